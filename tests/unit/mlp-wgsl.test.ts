/**
 * The generated WGSL MLPs, checked without a GPU: the decoder's code, evaluated as JavaScript (`let`s and `for`
 * loops translate one to one), reads every packed weight exactly once and equals the tfjs decoder — for small
 * layers (fully unrolled) and large ones (loop over outputs); the background INR's packed weights, read at the
 * offsets its tiled WGSL reads, equal the tfjs INR, and its tiles fit WebGPU's limits.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../helpers/backend';
import { bgFourierCoefs, bgFourierPeriod, preset, type ModelConfig } from '../../src/model/config';
import { Generator } from '../../src/model/generator';
import { backgroundInr } from '../../src/model/background';
import { decodeFeatures } from '../../src/model/triplane';
import { decoderFloats, packBackground, packDecoder } from '../../src/render/gpuWeights';
import { decoderWgsl } from '../../src/render/mlpWgsl';
import { BG_THREADS, bgLayerFloats, bgLayers, bgTile } from '../../src/render/backgroundInrWgsl';

beforeAll(async () => { await useBackend('cpu'); });

/** The generated function as JavaScript: (weights, input) → [4] and the weight indices it read, sorted. */
function asJs(src: string, buf: string, input: string): (w: Float32Array, x: unknown) => { out: number[]; reads: number[] } {
  const body = src.split('\n').filter((l) => !l.startsWith('//') && !l.startsWith('fn ') && l !== '}').join('\n')
    .replace(/var (\w+): array<f32, (\d+)>;/g, 'const $1 = new Array($2);')
    .replace(/\blet /g, 'const ').replace(/(\d+)u\b/g, '$1').replace(/vec4f\(/g, 'v4(');
  const fn = new Function(buf, input, 'lrelu', 'v4', 'sin', 'cos', body);
  const lrelu = (v: number) => (v >= 0 ? v : 0.2 * v);
  return (w, x) => {
    const reads: number[] = [];
    const counting = new Proxy(w, { get: (t, k) => (typeof k === 'string' && /^\d+$/.test(k) ? (reads.push(+k), t[+k]) : Reflect.get(t, k)) });
    const out = fn(counting, x, lrelu, (...a: number[]) => a, Math.sin, Math.cos);
    return { out, reads: reads.sort((a, b) => a - b) };
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const withDeepDecoder = (cfg: ModelConfig): ModelConfig => ({ ...cfg, decoder: { hidden: [12, 8] }, triplane: { ...cfg.triplane, channels: 6 } });

describe('generated WGSL MLPs', () => {
  it('the decoder reads each packed weight once and equals decodeFeatures (tiny, official, two hidden layers, C not a multiple of 4)', async () => {
    expect(decoderWgsl(preset('tiny'))).not.toContain('for (');
    expect(decoderWgsl(preset('official'))).toContain('for (');
    for (const cfg of [preset('tiny'), preset('official'), withDeepDecoder(preset('tiny'))]) {
      const g = Generator.random(cfg, 7, { perturb: 0.1 });
      const C = cfg.triplane.channels;
      const feats = tf.randomNormal([1, 5, C], 0, 1, 'float32', 3) as tf.Tensor3D;
      const want = await decodeFeatures(cfg, g.params, feats).data();
      const w = (await packDecoder(cfg, g.params).data()) as Float32Array;
      const f = await feats.data();
      const run = asJs(decoderWgsl(cfg), 'decW', 'feat');
      for (let p = 0; p < 5; p++) {
        const packed = Array.from({ length: Math.ceil(C / 4) }, (_, j) => Array.from({ length: 4 }, (_, k) => (4 * j + k < C ? f[p * C + 4 * j + k] : 0)));
        const got = run(w, packed);
        expect(got.reads).toEqual(range(decoderFloats(cfg)));
        for (let o = 0; o < 4; o++) expect(got.out[o]).toBeCloseTo(want[p * 4 + o], 4);
      }
      tf.dispose(feats);
      g.dispose();
    }
  });

  it('the background INR’s packed weights, read at the offsets its tiles read, equal backgroundInr (tiny; 128 wide; widths 40 and 200)', async () => {
    const tiny = preset('tiny');
    const widths = [tiny.background.width, 128, 40, 200];
    for (const width of widths) {
      const cfg = { ...tiny, background: { ...tiny.background, width, fourierFrequencies: width === 128 ? 6 : 4 } };
      const g = Generator.random(cfg, 11, { perturb: 0.1 });
      const ws = g.mapping(g.latents([2]), null, { psi: 1 });
      const packed = packBackground(cfg, g.params, ws);
      const pts = tf.tensor3d([[[0.6, -0.8, 0, 0.3], [0, 0, 1, 0.9], [-0.48, 0.6, 0.64, 0.05]]]);
      const want = await backgroundInr(cfg, g.params, ws, pts).data();
      const w = (await packed.data()) as Float32Array;
      expect(w.length).toBe(bgLayers(cfg).reduce((n, l) => n + bgLayerFloats(l.nin, l.nout), 0));
      const p = await pts.data();
      for (let i = 0; i < 3; i++) {
        const got = evalPackedBackground(cfg, w, Array.from(p.slice(4 * i, 4 * i + 4)));
        for (let o = 0; o < 4; o++) expect(got[o]).toBeCloseTo(want[4 * i + o], 4);
      }
      tf.dispose([ws, packed, pts]);
      g.dispose();
    }
  });

  it('background tiles fit WebGPU’s guaranteed limits and cover every output', () => {
    for (const cfg of [preset('tiny'), preset('small'), preset('official')]) {
      for (const width of [cfg.background.width, 1, 40, 200, 512]) {
        for (const limit of [16384, 32768, 49152]) {
          const t = bgTile({ ...cfg, background: { ...cfg.background, width } }, limit);
          expect(t.groups * t.threadsPerGroup).toBe(BG_THREADS);
          expect(t.outputsPerThread * t.threadsPerGroup).toBeGreaterThanOrEqual(width);
          expect(t.points).toBeLessThanOrEqual(BG_THREADS);
          expect(t.points).toBe(t.groups * t.pointsPerGroup);
          expect(t.workgroupBytes).toBeLessThanOrEqual(limit);
        }
      }
    }
    // the official INR: one 128-thread group, one output neuron per thread, whole pixels (16 steps) per tile
    expect(bgTile(preset('official'))).toMatchObject({ groups: 1, outputsPerThread: 1, points: 16 });
    expect(bgTile(preset('official'), 32768)).toMatchObject({ groups: 1, outputsPerThread: 1, points: 32 });
    expect(bgTile(preset('tiny'), 32768)).toMatchObject({ groups: 4, points: 128 });
  });
});

/** The background INR evaluated in JS from the packed weights, read at the offsets backgroundInrWgsl.ts reads. */
function evalPackedBackground(cfg: ModelConfig, w: Float32Array, pt: number[]): number[] {
  const period = bgFourierPeriod(cfg);
  const coefs = bgFourierCoefs(cfg);
  let x: number[] = [];
  for (let d = 0; d < 4; d++) {
    const r = coefs.map((c) => pt[d] * period * c);
    x.push(...r.map(Math.sin), ...r.map(Math.cos));
  }
  const out = [0, 0, 0, 0];
  let off4 = 0;
  for (const l of bgLayers(cfg)) {
    const nin4 = Math.ceil(l.nin / 4);
    const y = range(l.nout).map((o) => {
      let s = w[4 * (off4 + nin4 * l.nout) + o];
      for (let i = 0; i < l.nin; i++) s += w[4 * (off4 + Math.floor(i / 4) * l.nout + o) + (i % 4)] * x[i];
      return s;
    });
    if (l.output) y.forEach((v, o) => (out[o] += v));
    else x = y.map((v) => (v >= 0 ? v : 0.2 * v) * Math.SQRT2);
    off4 += bgLayerFloats(l.nin, l.nout) / 4;
  }
  return out;
}
