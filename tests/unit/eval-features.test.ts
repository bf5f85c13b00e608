/** The FID-style feature network: nsfwjs's bundled MobileNetV2, loaded offline, pooled last-conv features. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../helpers/backend';
import { loadFeatureNet } from '../../src/eval/featuresNode';
import { rawToUnit, rgbaToUnit, type FeatureNet } from '../../src/eval/features';

describe('feature network (nsfwjs MobileNetV2, wasm)', () => {
  let net: FeatureNet;
  const realFetch = globalThis.fetch;
  beforeAll(async () => {
    await useBackend('wasm');
    // Offline: any network request during loading fails the test.
    globalThis.fetch = (() => {
      throw new Error('network access attempted');
    }) as typeof fetch;
    try {
      net = await loadFeatureNet('mobilenet_v2');
    } finally {
      globalThis.fetch = realFetch;
    }
  });
  afterAll(() => net?.dispose());

  it('returns finite pooled features of width 1280 that tell images apart', async () => {
    const res = 32;
    const imgs = [0, 1, 2].map((k) => {
      const a = new Uint8Array(res * res * 4);
      for (let i = 0; i < res * res; i++) {
        const x = i % res;
        const y = Math.floor(i / res);
        a.set([k === 0 ? 255 : (x * 8) & 255, k === 1 ? (y * 8) & 255 : 40, k === 2 ? ((x ^ y) * 16) & 255 : 200, 255], 4 * i);
      }
      return a;
    });
    expect(tf.getBackend()).toBe('wasm');
    const x = rgbaToUnit(imgs, res);
    const before = tf.memory().numTensors;
    const f = net.features(x);
    expect(f.shape).toEqual([3, 1280]);
    const d = (await f.data()) as Float32Array;
    expect(d.every((v) => Number.isFinite(v) && v >= 0 && v <= 6)).toBe(true); // pooled ReLU6 activations
    const row = (i: number) => d.subarray(i * 1280, (i + 1) * 1280);
    for (let i = 0; i < 3; i++) expect(row(i).filter((v) => v > 0).length).toBeGreaterThan(50);
    const dist = (a: Float32Array, b: Float32Array) => Math.hypot(...a.map((v, i) => v - b[i]));
    expect(dist(row(0), row(1))).toBeGreaterThan(0.1 * Math.hypot(...row(0)));
    // Batching does not change an image's features.
    const one = tf.slice(x, [1, 0, 0, 0], [1, -1, -1, -1]);
    const f1 = net.features(one);
    expect(dist(Float32Array.from(await f1.data()), row(1))).toBeLessThan(1e-3 * Math.hypot(...row(1)));
    tf.dispose([x, f, one, f1]);
    expect(tf.memory().numTensors).toBe(before - 1); // x was counted in `before`: nothing else is left behind
  });

  it('maps raw renderer output to 8-bit levels in [0, 1] like a saved image', async () => {
    const raw = tf.tensor4d([-2, -1, 0, 0.5, 1, 3], [1, 1, 2, 3]);
    const u = await rawToUnit(raw).data();
    expect([...u].map((v) => Math.round(v * 255))).toEqual([0, 0, 128, 191, 255, 255]);
  });
});
