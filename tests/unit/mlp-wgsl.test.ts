/**
 * The generated (unrolled) WGSL MLPs, checked without a GPU: the code, evaluated as JavaScript (`let`s and
 * `for` loops translate one to one), reads every packed weight exactly once and equals the tfjs decoder and
 * background INR — for small layers (fully unrolled) and large ones (loop over outputs).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../helpers/backend';
import { preset, type ModelConfig } from '../../src/model/config';
import { Generator } from '../../src/model/generator';
import { backgroundInr } from '../../src/model/background';
import { decodeFeatures } from '../../src/model/triplane';
import { decoderFloats, packBackground, packDecoder } from '../../src/render/gpuWeights';
import { backgroundWgsl, decoderWgsl } from '../../src/render/mlpWgsl';

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

  it('the background INR reads each packed weight once and equals backgroundInr (tiny; 128 wide, looped)', async () => {
    for (const cfg of [preset('tiny'), { ...preset('tiny'), background: { ...preset('tiny').background, width: 128, fourierFrequencies: 6 } }]) {
      const g = Generator.random(cfg, 11, { perturb: 0.1 });
      const ws = g.mapping(g.latents([2]), null, { psi: 1 });
      const packed = packBackground(cfg, g.params, ws);
      const pts = tf.tensor3d([[[0.6, -0.8, 0, 0.3], [0, 0, 1, 0.9], [-0.48, 0.6, 0.64, 0.05]]]);
      const want = await backgroundInr(cfg, g.params, ws, pts).data();
      const run = asJs(backgroundWgsl(cfg), 'bgW', 'pt');
      const w = (await packed.data()) as Float32Array;
      const p = await pts.data();
      for (let i = 0; i < 3; i++) {
        const got = run(w, Array.from(p.slice(4 * i, 4 * i + 4)));
        expect(got.reads).toEqual(range(packed.size));
        for (let o = 0; o < 4; o++) expect(got.out[o]).toBeCloseTo(want[4 * i + o], 4);
      }
      expect(backgroundWgsl({ ...cfg, background: { ...cfg.background, enabled: false } })).toContain('return vec4f(0.0);');
      tf.dispose([ws, packed, pts]);
      g.dispose();
    }
  });
});
