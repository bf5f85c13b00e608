/** The patch discriminator, its hypernetwork and the losses (cpu backend: full gradient support). */
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../helpers/backend';
import { dBlocks, discriminate, initDParams, type DConfig } from '../../src/train/discriminator';
import { dLoss, gLoss, r1Penalty } from '../../src/train/losses';

const cfg: DConfig = { resolution: 32, patch: 16, channelBase: 256, channelMax: 32, mbstdGroup: 4, hyperEmbed: 8, hyperWidth: 16, cmapDim: 16, convClamp: 256 };

beforeAll(async () => {
  await useBackend('cpu');
});

const batch = (n: number, seed: number, bright = 0) => ({
  images: tf.clipByValue(tf.add(tf.randomUniform([n, 16, 16, 3], -1, 1, 'float32', seed), bright), -1, 1) as tf.Tensor4D,
  patch: tf.tensor2d(Array.from({ length: n }, () => [1, 0, 0]).flat(), [n, 3]),
  angles: tf.tensor2d(Array.from({ length: n }, (_, i) => [0.3 * i, 1.2]).flat(), [n, 2]),
});

describe('discriminator', () => {
  it('keeps the patch resolution for log2(R / r) blocks, then halves it down to 4×4', () => {
    expect(dBlocks(cfg).map((b) => [b.res, b.down])).toEqual([[32, false], [16, true], [8, true]]);
    const p = initDParams(cfg, 1);
    const out = discriminate(cfg, p, batch(4, 1));
    expect(out.shape).toEqual([4]);
    expect(Array.from(out.dataSync()).every(Number.isFinite)).toBe(true);
  });

  it('the patch hypernetwork and the camera condition change the verdict', () => {
    const p = initDParams(cfg, 2);
    // give the hypernetwork modulation and the head some weight (they start near neutral)
    for (const [k, v] of Object.entries(p)) if (k.endsWith('hyper.bias')) v.assign(tf.randomNormal(v.shape, 0, 1, 'float32', 3));
    const b = batch(4, 2);
    const base = discriminate(cfg, p, b).dataSync();
    const otherPatch = discriminate(cfg, p, { ...b, patch: tf.tensor2d([0.25, 0.5, 0.1, 0.25, 0.5, 0.1, 0.25, 0.5, 0.1, 0.25, 0.5, 0.1], [4, 3]) }).dataSync();
    const otherCam = discriminate(cfg, p, { ...b, angles: tf.tensor2d([2, 0.5, 2, 0.5, 2, 0.5, 2, 0.5], [4, 2]) }).dataSync();
    const diff = (a: ArrayLike<number>, c: ArrayLike<number>) => Math.max(...Array.from(a).map((v, i) => Math.abs(v - c[i])));
    expect(diff(base, otherPatch)).toBeGreaterThan(1e-4);
    expect(diff(base, otherCam)).toBeGreaterThan(1e-4);
  });

  it('Adam steps on the logistic loss separate real from fake', () => {
    // A narrower D (the pure-JS cpu backend is slow at conv gradients).
    const small: DConfig = { ...cfg, resolution: 16, channelBase: 128, channelMax: 8 };
    const p = initDParams(small, 3);
    const opt = tf.train.adam(0.01, 0, 0.99, 1e-8);
    const real = batch(4, 4, 0.6);
    const fake = batch(4, 5, -0.6);
    const loss = () => dLoss(discriminate(small, p, real), discriminate(small, p, fake));
    const first = loss().dataSync()[0];
    for (let i = 0; i < 10; i++) opt.minimize(loss, false, Object.values(p));
    const last = loss().dataSync()[0];
    expect(first).toBeGreaterThan(1.0); // ≈ 2·log 2 at the start
    expect(last).toBeLessThan(first * 0.7);
    expect(gLoss(discriminate(small, p, fake)).dataSync()[0]).toBeGreaterThan(gLoss(discriminate(small, p, real)).dataSync()[0]);
  });

  it('R1 is positive and differentiable with respect to D’s parameters (second order)', () => {
    const p = initDParams(cfg, 4);
    const real = batch(4, 6);
    const r1 = r1Penalty(cfg, p, real, 1).dataSync()[0];
    expect(r1).toBeGreaterThan(0);
    const { grads } = tf.variableGrads(() => r1Penalty(cfg, p, real, 1), [p['b16.conv0.weight'], p['b4.fc.weight'], p['hyper.fc1.weight']]);
    for (const g of Object.values(grads)) {
      const v = g.dataSync();
      expect(v.every(Number.isFinite)).toBe(true);
      expect(Math.max(...Array.from(v).map(Math.abs))).toBeGreaterThan(0);
    }
  });
});
