/**
 * The training kernels registered for tfjs-wasm (Conv2DBackpropFilter, UnsortedSegmentSum) against the cpu
 * backend's own kernels on the same inputs, and without leaking backend memory.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { MT19937 } from '../../src/model/prng';
import '../../src/model/layers';
import { maxAbsDiff, useBackend } from '../helpers/backend';

type Case = { x: number[]; f: number[]; stride: number; pad: 'same' | 'valid' | number };
const CASES: Case[] = [
  { x: [2, 8, 8, 3], f: [3, 3, 3, 5], stride: 1, pad: 'same' },
  { x: [2, 9, 9, 4], f: [3, 3, 4, 2], stride: 2, pad: 'valid' },
  { x: [3, 7, 6, 2], f: [1, 1, 2, 4], stride: 1, pad: 'valid' },
  { x: [1, 10, 10, 2], f: [4, 4, 2, 3], stride: 2, pad: 1 },
  { x: [2, 8, 8, 3], f: [3, 3, 3, 2], stride: 2, pad: 'same' },
];

const rand = (n: number, seed: number) => Float32Array.from(new MT19937(seed).rand(n), (u) => 2 * u - 1);
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

async function onBackend(name: 'cpu' | 'wasm', fn: () => tf.Tensor): Promise<Float32Array> {
  await useBackend(name);
  const t = fn();
  const d = (await t.data()) as Float32Array;
  t.dispose();
  return d;
}

describe('wasm training kernels', () => {
  for (const [i, c] of CASES.entries()) {
    it(`Conv2DBackpropFilter equals cpu: x [${c.x}], filter [${c.f}], stride ${c.stride}, pad ${c.pad}`, async () => {
      const x = rand(size(c.x), 10 + i);
      const f = rand(size(c.f), 20 + i);
      // The weight gradient of Σ w·conv(x, f) through tf.grad (conv2d's gradient calls Conv2DBackpropFilter).
      const run = () => {
        const xt = tf.tensor4d(x, c.x as [number, number, number, number]);
        const ft = tf.tensor4d(f, c.f as [number, number, number, number]);
        const g = tf.grad((ff: tf.Tensor) => tf.sum(tf.square(tf.conv2d(xt, ff as tf.Tensor4D, c.stride, c.pad))))(ft);
        tf.dispose([xt, ft]);
        return g;
      };
      const cpu = await onBackend('cpu', run);
      const wasm = await onBackend('wasm', run);
      const d = maxAbsDiff(wasm, cpu);
      expect(d.scale).toBeGreaterThan(0.1);
      expect(d.diff).toBeLessThan(1e-4 * d.scale);
    });
  }

  it('UnsortedSegmentSum equals cpu (the gradient of gather, repeated and unused indices)', async () => {
    const table = rand(10 * 4, 3);
    const idx = Int32Array.from([0, 3, 3, 9, 0, 0, 5]);
    const run = () => {
      const t = tf.tensor2d(table, [10, 4]);
      const ix = tf.tensor1d(idx, 'int32');
      const w = tf.tensor2d(rand(7 * 4, 4), [7, 4]);
      const g = tf.grad((tt: tf.Tensor) => tf.sum(tf.mul(tf.gather(tt as tf.Tensor2D, ix), w)))(t);
      tf.dispose([t, ix, w]);
      return g;
    };
    const cpu = await onBackend('cpu', run);
    const wasm = await onBackend('wasm', run);
    expect(maxAbsDiff(wasm, cpu).diff).toBeLessThan(1e-6);
    expect(cpu[1 * 4]).toBe(0); // row 1 is never gathered
  });

  it('leaks no backend memory over repeated weight gradients', async () => {
    await useBackend('wasm');
    const xt = tf.tensor4d(rand(2 * 16 * 16 * 8, 1), [2, 16, 16, 8]);
    const ft = tf.tensor4d(rand(3 * 3 * 8 * 8, 2), [3, 3, 8, 8]);
    const step = () => tf.tidy(() => tf.grad((ff: tf.Tensor) => tf.sum(tf.conv2d(xt, ff as tf.Tensor4D, 2, 'same')))(ft)).dispose();
    step();
    const before = tf.memory();
    for (let i = 0; i < 20; i++) step();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    expect(after.numBytes).toBe(before.numBytes);
    tf.dispose([xt, ft]);
  });
});

describe('wasm Conv2DBackpropInput (XNNPACK replacement)', () => {
  const cases: { x: number[]; f: number[]; stride: number; pad: 'same' | 'valid' | number }[] = [
    { x: [2, 8, 8, 3], f: [3, 3, 3, 5], stride: 1, pad: 'same' },
    { x: [2, 9, 9, 4], f: [3, 3, 4, 2], stride: 2, pad: 'valid' },
    { x: [1, 10, 10, 2], f: [4, 4, 2, 3], stride: 2, pad: 1 },
    { x: [2, 8, 7, 3], f: [3, 3, 3, 2], stride: 2, pad: 'same' },
    { x: [3, 7, 6, 2], f: [1, 1, 2, 4], stride: 1, pad: 'valid' },
  ];
  for (const [i, c] of cases.entries()) {
    it(`input gradient equals cpu: x [${c.x}], filter [${c.f}], stride ${c.stride}, pad ${c.pad}`, async () => {
      const x = rand(size(c.x), 30 + i);
      const f = rand(size(c.f), 40 + i);
      const run = () => {
        const xt = tf.tensor4d(x, c.x as [number, number, number, number]);
        const ft = tf.tensor4d(f, c.f as [number, number, number, number]);
        const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.square(tf.conv2d(xx as tf.Tensor4D, ft, c.stride, c.pad))))(xt);
        tf.dispose([xt, ft]);
        return g;
      };
      const cpu = await onBackend('cpu', run);
      const wasm = await onBackend('wasm', run);
      const d = maxAbsDiff(wasm, cpu);
      expect(d.scale).toBeGreaterThan(0.1);
      expect(d.diff).toBeLessThan(1e-4 * d.scale);
    });
  }

  it('conv2dTranspose (stride 2, the synthesis up-sampling conv) equals cpu', async () => {
    const x = rand(2 * 5 * 5 * 4, 50);
    const f = rand(3 * 3 * 6 * 4, 51);
    const run = () => tf.tidy(() => tf.conv2dTranspose(tf.tensor4d(x, [2, 5, 5, 4]), tf.tensor4d(f, [3, 3, 6, 4]), [2, 11, 11, 6], 2, 'valid'));
    const d = maxAbsDiff(await onBackend('wasm', run), await onBackend('cpu', run));
    expect(d.scale).toBeGreaterThan(0.1);
    expect(d.diff).toBeLessThan(1e-4 * d.scale);
  });
});

describe('denseRows (1×1 Conv2D on wasm for many rows)', () => {
  it('equals matMul on cpu, forward and gradients', async () => {
    const { denseRows } = await import('../../src/model/layers');
    const x = rand(3000 * 12, 60);
    const w = rand(7 * 12, 61);
    const run = () =>
      tf.tidy(() => {
        const xt = tf.tensor2d(x, [3000, 12]);
        const wt = tf.tensor2d(w, [7, 12]);
        const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(denseRows(a as tf.Tensor2D, b as tf.Tensor2D)));
        const [gx, gw] = tf.grads(f)([xt, wt]);
        return tf.concat([tf.reshape(denseRows(xt, wt), [-1]), tf.reshape(gx, [-1]), tf.reshape(gw, [-1])]);
      });
    const d = maxAbsDiff(await onBackend('wasm', run), await onBackend('cpu', run));
    expect(d.scale).toBeGreaterThan(1);
    expect(d.diff).toBeLessThan(1e-4 * d.scale);
  });
});
