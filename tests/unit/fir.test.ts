/**
 * The FIR resampling operators (sliced, polyphase form) against a direct 1-D upfirdn of the official
 * definitions applied along H then W, and their second derivative (R1 differentiates D's blur twice).
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { separableFir, type FirKind } from '../../src/model/layers';
import { MT19937 } from '../../src/model/prng';
import { maxAbsDiff, useBackend } from '../helpers/backend';

const F = [1, 3, 3, 1].map((v) => v / 8);
const SPEC: Record<FirKind, { up: number; down: number; pad: [number, number]; gain: number }> = {
  up: { up: 2, down: 1, pad: [2, 1], gain: 2 },
  convUp: { up: 1, down: 1, pad: [1, 1], gain: 2 },
  down: { up: 1, down: 2, pad: [1, 1], gain: 1 },
  convDown: { up: 1, down: 1, pad: [2, 2], gain: 1 },
};

function upfirdn1d(x: number[], k: FirKind): number[] {
  const s = SPEC[k];
  const u = new Array(x.length * s.up).fill(0);
  x.forEach((v, i) => (u[i * s.up] = v));
  const p = [...new Array(s.pad[0]).fill(0), ...u, ...new Array(s.pad[1]).fill(0)];
  const y: number[] = [];
  for (let o = 0; o + 4 <= p.length; o++) y.push(F.reduce((acc, f, t) => acc + f * s.gain * p[o + t], 0));
  return y.filter((_, i) => i % s.down === 0);
}

/** NHWC [1, H, W, C] → apply along H, then along W. */
function oracle(x: Float32Array, h: number, w: number, c: number, k: FirKind) {
  const get = (a: number[][][], y: number, xx: number, ch: number) => a[y][xx][ch];
  let img: number[][][] = Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, xx) => Array.from({ length: c }, (_, ch) => x[(y * w + xx) * c + ch])));
  const cols = (a: number[][][]) => {
    const H = a.length;
    const W = a[0].length;
    const outs = Array.from({ length: W }, (_, xx) => Array.from({ length: c }, (_, ch) => upfirdn1d(Array.from({ length: H }, (_, y) => get(a, y, xx, ch)), k)));
    const H2 = outs[0][0].length;
    return Array.from({ length: H2 }, (_, y) => Array.from({ length: W }, (_, xx) => Array.from({ length: c }, (_, ch) => outs[xx][ch][y])));
  };
  const rows = (a: number[][][]) => a.map((row) => {
    const outs = Array.from({ length: c }, (_, ch) => upfirdn1d(row.map((px) => px[ch]), k));
    return Array.from({ length: outs[0].length }, (_, xx) => outs.map((o) => o[xx]));
  });
  img = rows(cols(img));
  return { data: Float32Array.from(img.flat(2)), shape: [1, img.length, img[0].length, c] };
}

describe('FIR resampling', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const [kind, h, w] of [
      ['up', 4, 6],
      ['convUp', 9, 7],
      ['down', 8, 6],
      ['convDown', 6, 8],
    ] as [FirKind, number, number][]) {
      it(`${kind} equals upfirdn of the official definition (${backend}, ${h}×${w})`, async () => {
        await useBackend(backend);
        const c = 3;
        const x = Float32Array.from(new MT19937(h * w).rand(h * w * c), (u) => 2 * u - 1);
        const want = oracle(x, h, w, c, kind);
        const got = separableFir(tf.tensor4d(x, [1, h, w, c]), kind);
        expect(got.shape).toEqual(want.shape);
        const d = maxAbsDiff((await got.data()) as Float32Array, want.data);
        expect(d.scale).toBeGreaterThan(0.1);
        expect(d.diff).toBeLessThan(1e-6);
        got.dispose();
      });
    }
  }

  it('is differentiable twice (the gradient of a gradient norm, as in R1)', async () => {
    await useBackend('wasm');
    const x = tf.tensor4d(Float32Array.from(new MT19937(3).rand(2 * 8 * 8 * 2), (u) => u - 0.5), [2, 8, 8, 2]);
    const a = tf.scalar(1.3);
    const gradNorm = (s: tf.Tensor) => {
      const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.square(tf.mul(separableFir(tf.mul(xx, s) as tf.Tensor4D, 'convDown'), separableFir(xx as tf.Tensor4D, 'convDown')))))(x);
      return tf.sum(tf.square(g));
    };
    const g2 = await tf.grad(gradNorm)(a).data();
    const h = 1e-2;
    const fd = ((await gradNorm(tf.scalar(1.3 + h)).data())[0] - (await gradNorm(tf.scalar(1.3 - h)).data())[0]) / (2 * h);
    expect(Math.abs(g2[0] - fd)).toBeLessThan(1e-2 * Math.abs(fd));
    expect(Math.abs(fd)).toBeGreaterThan(1e-3);
  });
});
