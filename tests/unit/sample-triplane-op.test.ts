/**
 * The fused tri-plane kernel (cpu and wasm) against the composite-op lookup, and its gradient against
 * central finite differences computed in double precision.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { preset } from '../../src/model/config';
import { sampleTriplaneGather } from '../../src/model/triplane';
import { fusedSampleTriplane } from '../../src/model/kernels/sampleTriplaneOp';
import { triplaneForward } from '../../src/model/kernels/triplaneMath';
import { MT19937 } from '../../src/model/prng';
import { maxAbsDiff, useBackend } from '../helpers/backend';

const cfg = { ...preset('tiny'), triplane: { ...preset('tiny').triplane, resolution: 9, channels: 5 } };
const N = 2;
const R = 9;
const C = 5;
const P = 40;
const inv = 1 / cfg.camera.cubeScale;

function inputs(seed: number) {
  const rng = new MT19937(seed);
  const planes = Float32Array.from(rng.rand(N * R * R * 3 * C), (u) => 2 * u - 1);
  // Mostly inside the box, some outside (zeros there) and some on the edges.
  const points = Float32Array.from(rng.rand(N * P * 3), (u) => (2.4 * u - 1.2) * cfg.camera.cubeScale);
  points.set([cfg.camera.cubeScale, -cfg.camera.cubeScale, 0], 0);
  return { planes, points };
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`EpigrafSampleTriplane on ${backend}`, () => {
    beforeAll(() => useBackend(backend));

    it('equals the composite gather lookup, forward and backward (planes)', async () => {
      const { planes, points } = inputs(1);
      const pl = tf.tensor4d(planes, [N, R, R, 3 * C]);
      const pt = tf.tensor3d(points, [N, P, 3]);
      const w = tf.tensor3d(Float32Array.from(new MT19937(2).rand(N * P * C), (u) => u - 0.5), [N, P, C]);
      // The gather lookup is differentiable with respect to the planes only (its indices come from the points).
      const loss = (f: typeof sampleTriplaneGather) => (a: tf.Tensor) => tf.sum(tf.mul(f(cfg, a as tf.Tensor4D, pt), w));
      const fusedF = (c: typeof cfg, a: tf.Tensor4D, b: tf.Tensor3D) => fusedSampleTriplane(a, b, 1 / c.camera.cubeScale);
      const before = tf.memory().numTensors;
      const outF = fusedF(cfg, pl, pt);
      const outG = sampleTriplaneGather(cfg, pl, pt);
      expect(outF.shape).toEqual([N, P, C]);
      const f = maxAbsDiff(await outF.data(), await outG.data());
      expect(f.scale).toBeGreaterThan(0.1);
      expect(f.diff).toBeLessThan(1e-6);
      const [gpF] = tf.grads(loss(fusedF))([pl]);
      const [gpG] = tf.grads(loss(sampleTriplaneGather))([pl]);
      const dp = maxAbsDiff(await gpF.data(), await gpG.data());
      expect(dp.scale).toBeGreaterThan(0.01);
      expect(dp.diff).toBeLessThan(1e-6);
      tf.dispose([outF, outG, gpF, gpG]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([pl, pt, w]);
    });

    it('has the exact gradient with respect to planes and points (finite differences in float64)', async () => {
      const { planes, points } = inputs(3);
      const weights = Float64Array.from(new MT19937(4).rand(N * P * C), (u) => u - 0.5);
      const shape = { n: N, r: R, c: C, p: P, invScale: inv };
      const L = (pl: Float64Array, pt: Float64Array) => {
        const out = new Float64Array(N * P * C);
        triplaneForward(shape, pl as unknown as Float32Array, pt as unknown as Float32Array, out as unknown as Float32Array);
        return out.reduce((s, v, i) => s + v * weights[i], 0);
      };
      const pl = tf.tensor4d(planes, [N, R, R, 3 * C]);
      const pt = tf.tensor3d(points, [N, P, 3]);
      const w = tf.tensor3d(Float32Array.from(weights), [N, P, C]);
      const [gp, gx] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(fusedSampleTriplane(a as tf.Tensor4D, b as tf.Tensor3D, inv), w)))([pl, pt]);
      const gpA = await gp.data();
      const gxA = await gx.data();
      const pl64 = Float64Array.from(planes);
      const pt64 = Float64Array.from(points);
      const fd = (arr: Float64Array, i: number, h: number) => {
        const v = arr[i];
        arr[i] = v + h;
        const up = L(pl64, pt64);
        arr[i] = v - h;
        const down = L(pl64, pt64);
        arr[i] = v;
        return (up - down) / (2 * h);
      };
      const rng = new MT19937(5);
      let checked = 0;
      for (const i of Array.from(rng.rand(60), (u) => Math.floor(u * pl64.length))) {
        expect(gpA[i]).toBeCloseTo(fd(pl64, i, 1e-3), 5);
      }
      // Points: skip coordinates within h of a texel boundary (the lookup has kinks there).
      const h = 1e-6;
      for (let i = 0; i < pt64.length; i++) {
        const px = (pt64[i] * inv + 1) * ((R - 1) / 2);
        const frac = px - Math.floor(px);
        if (frac < 1e-3 || frac > 1 - 1e-3) continue;
        const num = fd(pt64, i, h);
        expect(Math.abs(gxA[i] - num)).toBeLessThanOrEqual(1e-2 * Math.max(1e-3, Math.abs(num)) + 1e-5);
        if (num !== 0) checked++;
      }
      expect(checked).toBeGreaterThan(P);
      tf.dispose([pl, pt, w, gp, gx]);
    });
  });
}
