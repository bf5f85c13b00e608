/**
 * The generated WGSL MLPs, checked without a GPU (the GPU tests run them: density-grid, wgsl-renderer,
 * official-wgsl): the decoder's packed weights, read at the offsets mlpWgsl.ts documents, equal the tfjs decoder,
 * and its generated code names each of those offsets once; the background INR's packed weights, read at the
 * offsets its tiled WGSL reads, equal the tfjs INR, and its tiles fit WebGPU's limits.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../helpers/backend';
import { bgFourierCoefs, bgFourierPeriod, preset, type ModelConfig } from '../../src/model/config';
import { Generator } from '../../src/model/generator';
import { backgroundInr } from '../../src/model/background';
import { decodeFeatures } from '../../src/model/triplane';
import { packBackground, packDecoder } from '../../src/render/gpuWeights';
import { decoderAddressSpace, decoderBytes, decoderLayout, decoderWgsl, MAX_UNIFORM_BYTES } from '../../src/render/mlpWgsl';
import { OccupancyPass } from '../../src/render/occupancyPass';
import { BG_THREADS, bgLayerFloats, bgLayers, bgTile } from '../../src/render/backgroundInrWgsl';
import { withDeepDecoder } from '../helpers/scenes';

beforeAll(async () => { await useBackend('cpu'); });

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * The decoder evaluated in JS from the packed weights, read at the offsets mlpWgsl.ts documents (groups of four
 * neurons; the output layer's weights by hidden neuron in the last hidden layer's groups); also returns the vec4
 * indices it read.
 */
function evalPackedDecoder(cfg: ModelConfig, w: Float32Array, feat: number[]): { out: number[]; reads: number[] } {
  const layout = decoderLayout(cfg);
  const reads: number[] = [];
  const v4 = (k: number) => (reads.push(k), Array.from(w.subarray(4 * k, 4 * k + 4)));
  let x = feat;
  const out = v4(layout.outBias4);
  for (const l of layout.hidden) {
    const y: number[] = [];
    for (let g = 0; g < Math.ceil(l.nout / 4); g++) {
      const b = l.off4 + g * l.groupVec4s;
      const s = v4(b);
      for (let i = 0; i < l.nin; i++) { const col = v4(b + 1 + i); for (let r = 0; r < 4; r++) s[r] += col[r] * x[i]; }
      const a = s.map((v) => (v >= 0 ? v : 0.2 * v) * Math.SQRT2);
      if (l.fused) for (let j = 0; j < 4; j++) { const c = v4(b + 1 + l.nin + j); for (let o = 0; o < 4; o++) out[o] += c[o] * a[j]; }
      y.push(...a);
    }
    x = y;
  }
  return { out, reads: reads.sort((a, b) => a - b) };
}

/** The vec4 indices of decW a generated decoder names: constants, or `b + k` offsets inside its group loop. */
function namedIndices(src: string): { constants: number[]; inLoop: number[] } {
  const constants = [...src.matchAll(/decW\[(\d+)u\]/g)].map((m) => +m[1]).sort((a, b) => a - b);
  const inLoop = [...src.matchAll(/decW\[b(?: \+ (\d+)u)?\]/g)].map((m) => +(m[1] ?? 0)).sort((a, b) => a - b);
  return { constants, inLoop };
}

describe('generated WGSL MLPs', () => {
  it('the packed decoder, read at its documented offsets, reads each vec4 once and equals decodeFeatures (tiny, official, two hidden layers, C not a multiple of 4)', async () => {
    for (const cfg of [preset('tiny'), preset('official'), withDeepDecoder(preset('tiny'))]) {
      const g = Generator.random(cfg, 7, { perturb: 0.1 });
      const C = cfg.triplane.channels;
      const feats = tf.randomNormal([1, 5, C], 0, 1, 'float32', 3) as tf.Tensor3D;
      const want = await decodeFeatures(cfg, g.params, feats).data();
      const packed = packDecoder(cfg, g.params);
      const w = (await packed.data()) as Float32Array;
      expect(w.length * 4).toBe(decoderBytes(cfg));
      const f = await feats.data();
      for (let p = 0; p < 5; p++) {
        const got = evalPackedDecoder(cfg, w, Array.from(f.subarray(p * C, (p + 1) * C)));
        expect(got.reads).toEqual(range(decoderLayout(cfg).vec4s));
        for (let o = 0; o < 4; o++) expect(got.out[o]).toBeCloseTo(want[p * 4 + o], 4);
      }
      tf.dispose([feats, packed]);
      g.dispose();
    }
  });

  it('the generated decoder names every packed vec4 once, stores no fused activations, and picks its binding’s address space by size', () => {
    // tiny: 16 → 32 → 4, group by group with constant indices
    const tiny = preset('tiny');
    const tinySrc = decoderWgsl(tiny);
    expect(tinySrc).not.toContain('for (');
    expect(tinySrc).not.toContain('var h');
    expect(namedIndices(tinySrc).constants).toEqual(range(decoderLayout(tiny).vec4s));
    // official: 32 → 64 → 4, one loop over 16 groups of 37 vec4s (the bias, 32 of weights by input, 4 of output weights)
    const official = preset('official');
    const offSrc = decoderWgsl(official);
    expect(decoderLayout(official)).toMatchObject({ vec4s: 593, outBias4: 592, hidden: [{ groupVec4s: 37, fused: true }] });
    expect(offSrc).toContain('for (var g = 0u; g < 16u; g++)');
    expect(offSrc).toContain('let b = g * 37u;');
    expect(offSrc).not.toContain('var h');
    expect(namedIndices(offSrc)).toEqual({ constants: [592], inLoop: range(37) });
    // two hidden layers: the first is stored (4 groups of 12 → 3 vec4s), the second fused
    const deep = withDeepDecoder(tiny);
    const deepSrc = decoderWgsl(deep);
    expect(deepSrc).toContain('var h0: array<vec4f, 3>;');
    expect(deepSrc).not.toContain('var h1');
    expect(namedIndices(deepSrc).constants).toEqual(range(decoderLayout(deep).vec4s));
    // address space: uniform up to WebGPU's guaranteed 64 KiB binding, storage beyond
    expect(decoderBytes(official)).toBe(593 * 16);
    for (const cfg of [tiny, preset('small'), official]) expect(OccupancyPass.source(cfg)).toContain('var<uniform> decW: DecoderWeights;');
    const wide: ModelConfig = { ...official, decoder: { hidden: [256, 256] } };
    expect(decoderBytes(wide)).toBeGreaterThan(MAX_UNIFORM_BYTES);
    expect(decoderAddressSpace(wide)).toBe('storage, read');
    expect(OccupancyPass.source(wide)).toContain('var<storage, read> decW: DecoderWeights;');
    expect(OccupancyPass.source(wide)).not.toContain('DECODER_SPACE');
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
          expect(4 * t.quadsPerThread * t.threadsPerGroup).toBeGreaterThanOrEqual(width);
          expect(t.quadsPerThread * t.pointsPerGroup).toBeLessThanOrEqual(16);
          expect(t.points).toBeLessThanOrEqual(BG_THREADS);
          expect(t.points).toBe(t.groups * t.pointsPerGroup);
          expect(t.workgroupBytes).toBeLessThanOrEqual(limit);
        }
      }
    }
    // the official INR: four 32-thread groups, four output neurons per thread, whole pixels (16 steps) per tile
    expect(bgTile(preset('official'))).toMatchObject({ groups: 4, quadsPerThread: 1, points: 16 });
    expect(bgTile(preset('official'), 32768)).toMatchObject({ groups: 4, quadsPerThread: 1, points: 32 });
    expect(bgTile(preset('tiny'), 32768)).toMatchObject({ groups: 16, threadsPerGroup: 8, points: 128 });
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
    const q = Math.ceil(l.nout / 4);
    const y = range(l.nout).map((o) => {
      let s = w[4 * (off4 + 4 * nin4 * q) + o];
      for (let i = 0; i < l.nin; i++) s += w[4 * (off4 + i * q + Math.floor(o / 4)) + (o % 4)] * x[i];
      return s;
    });
    if (l.output) y.forEach((v, o) => (out[o] += v));
    else x = y.map((v) => (v >= 0 ? v : 0.2 * v) * Math.SQRT2);
    off4 += bgLayerFloats(l.nin, l.nout) / 4;
  }
  return out;
}
