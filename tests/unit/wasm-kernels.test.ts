/**
 * The kernels registered for tfjs-wasm (Conv2DBackpropFilter, Conv2DBackpropInput, UnsortedSegmentSum, and the
 * Slice/SplitV/Unpack/StridedSlice/Concat/Identity/GatherV2/Sum replacements) against the cpu backend's own kernels on the
 * same inputs, and without leaking backend memory.
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
  // 1×1, stride 1, unpadded: the matmul path, with CI < CO and CI > CO; then 1×1 off that path.
  { x: [1, 1, 300, 5], f: [1, 1, 5, 9], stride: 1, pad: 'valid' },
  { x: [2, 5, 7, 6], f: [1, 1, 6, 3], stride: 1, pad: 'same' },
  { x: [2, 6, 6, 3], f: [1, 1, 3, 4], stride: 2, pad: 'valid' },
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

  it('leaks no backend memory over repeated weight and input gradients', async () => {
    await useBackend('wasm');
    const xt = tf.tensor4d(rand(2 * 16 * 16 * 8, 1), [2, 16, 16, 8]);
    const ft = tf.tensor4d(rand(3 * 3 * 8 * 8, 2), [3, 3, 8, 8]);
    const f1 = tf.tensor4d(rand(8 * 3, 3), [1, 1, 8, 3]);
    const f2 = tf.tensor4d(rand(8 * 12, 4), [1, 1, 8, 12]);
    const step = () =>
      tf.tidy(() => [ft, f1, f2].flatMap((f) => tf.grads((xx: tf.Tensor, ff: tf.Tensor) => tf.sum(tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, f === ft ? 2 : 1, 'same')))([xt, f]))).forEach((g) => g.dispose());
    step();
    const before = tf.memory();
    for (let i = 0; i < 20; i++) step();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    expect(after.numBytes).toBe(before.numBytes);
    tf.dispose([xt, ft, f1, f2]);
  });
});

describe('wasm Conv2DBackpropInput (XNNPACK replacement)', () => {
  const cases: { x: number[]; f: number[]; stride: number | [number, number]; pad: 'same' | 'valid' | number }[] = [
    { x: [2, 8, 8, 3], f: [3, 3, 3, 5], stride: 1, pad: 'same' },
    { x: [2, 9, 9, 4], f: [3, 3, 4, 2], stride: 2, pad: 'valid' },
    { x: [1, 10, 10, 2], f: [4, 4, 2, 3], stride: 2, pad: 1 },
    { x: [2, 8, 7, 3], f: [3, 3, 3, 2], stride: 2, pad: 'same' },
    { x: [3, 7, 6, 2], f: [1, 1, 2, 4], stride: 1, pad: 'valid' },
    // Padding wider than the 1×1 filter (columns that fall outside), and dy with ≥ 32 channels at stride 2.
    { x: [2, 5, 6, 3], f: [1, 1, 3, 4], stride: 2, pad: 1 },
    { x: [2, 5, 6, 3], f: [1, 1, 3, 4], stride: 1, pad: 1 },
    { x: [1, 7, 7, 5], f: [3, 3, 5, 33], stride: 2, pad: 'same' },
    // Stride 3 with a 2×2 filter: a phase no tap reaches (zeros); unequal strides; a wide padding at stride 2.
    { x: [2, 7, 8, 3], f: [2, 2, 3, 4], stride: 3, pad: 'valid' },
    { x: [1, 9, 6, 2], f: [3, 3, 2, 3], stride: [2, 1], pad: 'same' },
    { x: [1, 6, 7, 2], f: [3, 2, 2, 3], stride: 2, pad: 3 },
  ];
  for (const [i, c] of cases.entries()) {
    it(`input gradient equals cpu: x [${c.x}], filter [${c.f}], stride ${c.stride}, pad ${c.pad}`, async () => {
      const x = rand(size(c.x), 30 + i);
      const f = rand(size(c.f), 40 + i);
      const run = () => {
        const xt = tf.tensor4d(x, c.x as [number, number, number, number]);
        const ft = tf.tensor4d(f, c.f as [number, number, number, number]);
        // Random output weights rather than a square: dy is then nonzero where the forward read only padding,
        // so a misplaced copy of it into the stuffed gradient shows.
        const y = tf.conv2d(xt, ft, c.stride, c.pad);
        const r = tf.tensor4d(rand(y.size, 90 + i), y.shape);
        const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, ft, c.stride, c.pad), r)))(xt);
        tf.dispose([xt, ft, y, r]);
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

describe('wasm Slice, SplitV, Unpack, StridedSlice (merged-axes copies)', () => {
  const SLICES: { shape: number[]; begin: number[]; size: number[] }[] = [
    { shape: [7], begin: [2], size: [4] },
    { shape: [5, 6], begin: [1, 2], size: [3, 3] },
    { shape: [5, 6], begin: [0, 1], size: [5, 1] },
    { shape: [2, 67, 65, 3], begin: [0, 1, 2, 0], size: [2, 64, 62, 3] },
    { shape: [2, 9, 35, 40], begin: [1, 0, 3, 0], size: [1, 9, 32, 40] },
    { shape: [8, 24, 4], begin: [0, 12, 0], size: [8, 12, 4] },
    { shape: [3, 4, 5, 6], begin: [1, 1, 1, 1], size: [2, 2, 3, 4] },
    { shape: [3, 4, 5, 6], begin: [2, 0, 0, 0], size: [1, 4, 5, 6] }, // contiguous
    { shape: [2, 3, 1, 4, 5, 2], begin: [1, 0, 0, 2, 1, 0], size: [1, 3, 1, 2, 4, 1] }, // rank 6
    { shape: [2, 3, 4, 5, 2], begin: [0, 1, 0, 0, 0], size: [2, 1, 4, 5, 2] },
    { shape: [3, 4], begin: [1, 0], size: [0, 4] }, // empty
  ];

  for (const c of SLICES)
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      it(`Slice ${dtype} [${c.shape}] begin [${c.begin}] size [${c.size}] equals cpu`, async () => {
        const n = size(c.shape);
        const vals = Array.from({ length: n }, (_, i) => (dtype === 'bool' ? (i * 7) % 3 === 0 : dtype === 'int32' ? i * 3 - 50 : i * 0.25 - 3));
        const run = async (b: 'cpu' | 'wasm') => {
          await useBackend(b);
          const x = tf.tensor(vals as number[], c.shape, dtype);
          const y = tf.slice(x, c.begin, c.size);
          const out = { shape: y.shape, data: Array.from(await y.data()) };
          tf.dispose([x, y]);
          return out;
        };
        const cpu = await run('cpu');
        expect(await run('wasm')).toEqual(cpu);
      });
    }

  it('split, unstack, stridedSlice and concat gradients equal cpu', async () => {
    const x = rand(4 * 6 * 5 * 3, 70);
    const run = async (b: 'cpu' | 'wasm') => {
      await useBackend(b);
      const before = tf.memory().numTensors;
      const outs = tf.tidy(() => {
        const t = tf.tensor4d(x, [4, 6, 5, 3]);
        const parts = [
          ...tf.split(t, [1, 3, 2], 1),
          ...tf.split(t, 3, 3),
          ...tf.unstack(t, 2),
          ...tf.unstack(t, 0),
          tf.stridedSlice(t, [1, 2, 0, 1], [3, 5, 5, 3], [1, 1, 1, 1]),
          tf.stridedSlice(t, [0, 1, 0, 0], [4, 2, 5, 3], [1, 1, 1, 1], 0, 0, 0, 0, 2), // shrinks axis 1
          tf.stridedSlice(t, [0, 0, 4, 0], [4, 6, 0, 3], [1, 2, -2, 1]), // strided: the C++ path
          tf.stridedSlice(tf.cast(t, 'int32'), [1, 0, 1, 0], [3, 6, 4, 2], [1, 1, 1, 1]),
        ];
        // Gradients through slices and concat (whose gradient is a split).
        const w = tf.tensor4d(rand(4 * 6 * 2 * 3, 71), [4, 6, 2, 3]);
        const f = (a: tf.Tensor) => {
          const a4 = a as tf.Tensor4D;
          const cat = tf.concat([tf.slice(a4, [0, 0, 3, 0], [-1, -1, 2, -1]), tf.slice(a4, [0, 0, 0, 0], [-1, -1, 2, -1])], 0);
          return tf.sum(tf.mul(tf.square(cat), tf.concat([w, w], 0)));
        };
        const g = tf.grad(f)(t);
        return [...parts, g].map((p) => tf.reshape(tf.cast(p, 'float32'), [-1]));
      });
      const data = await Promise.all(outs.map(async (o) => Array.from(await o.data())));
      tf.dispose(outs);
      expect(tf.memory().numTensors).toBe(before);
      return data;
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(wasm.length).toBe(cpu.length);
    for (let i = 0; i < cpu.length; i++) {
      const d = maxAbsDiff(wasm[i], cpu[i]);
      expect(d.diff, `output ${i}`).toBeLessThan(1e-6 * Math.max(1, d.scale));
    }
  });

  it('concat (every axis, short and long rows, int32 and bool, an empty input) equals cpu', async () => {
    const run = async (be: 'cpu' | 'wasm') => {
      await useBackend(be);
      const outs = tf.tidy(() => {
        const a = tf.tensor4d(rand(3 * 4 * 5 * 40, 80), [3, 4, 5, 40]);
        const c = tf.tensor4d(rand(3 * 4 * 5 * 40, 81), [3, 4, 5, 40]);
        const res: tf.Tensor[] = [];
        for (let axis = 0; axis < 4; axis++) res.push(tf.concat([a, c, a], axis));
        res.push(tf.concat([tf.slice(a, [0, 0, 0, 0], [-1, -1, -1, 3]), tf.slice(c, [0, 0, 0, 0], [-1, -1, -1, 5])], 3));
        res.push(tf.concat([tf.cast(a, 'int32'), tf.cast(c, 'int32')], 2));
        res.push(tf.cast(tf.concat([tf.greater(a, 0), tf.greater(c, 0)], 3), 'float32'));
        res.push(tf.concat([a, tf.zeros([3, 4, 5, 0]), c], 3));
        return res.map((r) => tf.reshape(tf.cast(r, 'float32'), [-1]));
      });
      const data = await Promise.all(outs.map(async (o) => Array.from(await o.data())));
      tf.dispose(outs);
      return data;
    };
    const cpu = await run('cpu');
    expect(await run('wasm')).toEqual(cpu);
  });

  it('slices on wasm leak no tensors or bytes', async () => {
    await useBackend('wasm');
    const t = tf.tensor3d(rand(6 * 7 * 8, 72), [6, 7, 8]);
    const step = () => tf.tidy(() => tf.sum(tf.add(tf.slice(t, [1, 2, 3], [4, 4, 4]), tf.stack(tf.unstack(tf.slice(t, [0, 0, 0], [4, 4, 4]), 1), 1))).dataSync());
    step();
    const before = tf.memory();
    for (let i = 0; i < 10; i++) step();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(tf.getBackend()).toBe('wasm');
    t.dispose();
  });
});

describe('wasm GatherV2 and Sum (row loops)', () => {
  const SHAPES = [[7], [5, 6], [3, 4, 5], [2, 3, 4, 5], [3, 40], [2, 5, 33]];
  const values = (n: number, dtype: 'float32' | 'int32' | 'bool') =>
    Array.from({ length: n }, (_, i) => (dtype === 'bool' ? (i * 7) % 3 === 0 : dtype === 'int32' ? ((i * 37) % 101) - 50 : rand(1, i + 100)[0]));
  type Out = { shape: number[]; dtype: string; data: number[] };
  const read = async (t: tf.Tensor): Promise<Out> => ({ shape: t.shape, dtype: t.dtype, data: Array.from(await t.data()) });

  /** Runs fn on both backends (fresh inputs each time) and returns the results. */
  async function both(fn: () => tf.Tensor[]): Promise<{ cpu: Out[]; wasm: Out[] }> {
    const res: Record<string, Out[]> = {};
    for (const be of ['cpu', 'wasm'] as const) {
      await useBackend(be);
      const before = tf.memory().numTensors;
      const outs = fn();
      res[be] = await Promise.all(outs.map(read));
      tf.dispose(outs);
      expect(tf.memory().numTensors).toBe(before);
    }
    return { cpu: res.cpu, wasm: res.wasm };
  }

  for (const dtype of ['float32', 'int32', 'bool'] as const)
    it(`gather ${dtype} on every axis of rank 1–4 (repeated, unsorted, empty and 2-D indices) equals cpu`, async () => {
      const { cpu, wasm } = await both(() =>
        tf.tidy(() => {
          const outs: tf.Tensor[] = [];
          for (const shape of SHAPES) {
            const x = tf.tensor(values(size(shape), dtype) as number[], shape, dtype);
            for (let axis = -1; axis < shape.length; axis++) {
              const d = shape[(axis + shape.length) % shape.length];
              const idx = [d - 1, 0, d - 1, Math.floor(d / 2), 0, d - 1];
              outs.push(tf.gather(x, tf.tensor1d(idx, 'int32'), axis));
              outs.push(tf.gather(x, tf.tensor2d([...idx, 1 % d, 0], [2, 4], 'int32'), axis));
              outs.push(tf.gather(x, tf.tensor1d([], 'int32'), axis));
              outs.push(tf.gather(x, tf.scalar(d - 1, 'int32'), axis));
            }
          }
          return outs;
        }),
      );
      expect(wasm).toEqual(cpu);
    });

  it('gather rejects out-of-range indices as the built-in does', async () => {
    await useBackend('wasm');
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    for (const bad of [3, -1]) {
      const i = tf.tensor1d([0, bad], 'int32');
      expect(() => tf.gather(x, i)).toThrow(/GatherV2: the index value/);
      i.dispose();
    }
    x.dispose();
  });

  it('the gradient of gather (axes 0 and 1) still equals cpu', async () => {
    const table = rand(6 * 5 * 3, 110);
    const run = () =>
      tf.tidy(() => {
        const t = tf.tensor3d(table, [6, 5, 3]);
        const w0 = tf.tensor3d(rand(7 * 5 * 3, 111), [7, 5, 3]);
        const w1 = tf.tensor3d(rand(6 * 4 * 3, 112), [6, 4, 3]);
        const f = (tt: tf.Tensor) =>
          tf.add(tf.sum(tf.mul(tf.gather(tt, tf.tensor1d([5, 0, 2, 2, 5, 1, 0], 'int32'), 0), w0)), tf.sum(tf.mul(tf.gather(tt, tf.tensor1d([4, 4, 0, 3], 'int32'), 1), w1)));
        return [tf.grad(f)(t)];
      });
    const { cpu, wasm } = await both(run);
    expect(maxAbsDiff(wasm[0].data, cpu[0].data).diff).toBeLessThan(1e-6);
  });

  for (const dtype of ['float32', 'int32'] as const)
    it(`sum ${dtype} over every axis and adjacent and split axis sets of rank 1–4, keepDims, equals cpu`, async () => {
      const shapes = [...SHAPES, [3, 40, 6], [2, 3, 33, 5]];
      const { cpu, wasm } = await both(() =>
        tf.tidy(() => {
          const outs: tf.Tensor[] = [];
          for (const shape of shapes) {
            const x = tf.tensor(values(size(shape), dtype) as number[], shape, dtype);
            const r = shape.length;
            const axisSets: number[][] = [];
            for (let a = 0; a < r; a++) for (let b = a; b < r; b++) axisSets.push(Array.from({ length: b - a + 1 }, (_, k) => a + k));
            axisSets.push([-1], [-2, -1].slice(2 - Math.min(2, r)));
            if (r >= 3) axisSets.push([0, 2], [2, 0]);
            if (r >= 4) axisSets.push([3, 1, 2], [-3, -2]);
            for (const axes of axisSets) for (const keepDims of [false, true]) outs.push(tf.sum(x, axes, keepDims));
            outs.push(tf.sum(x));
          }
          outs.push(tf.sum(tf.zeros([0, 3]), 0));
          return outs;
        }),
      );
      expect(wasm.length).toBe(cpu.length);
      for (let i = 0; i < cpu.length; i++) {
        expect(wasm[i].shape, `output ${i}`).toEqual(cpu[i].shape);
        expect(wasm[i].dtype, `output ${i}`).toBe(cpu[i].dtype);
        if (dtype === 'int32') expect(wasm[i].data, `output ${i}`).toEqual(cpu[i].data);
        else expect(maxAbsDiff(wasm[i].data, cpu[i].data).diff, `output ${i}`).toBeLessThan(1e-5);
      }
    });

  it('sum of many rows (the [49152, 32] axis-0 case) equals cpu within rounding', async () => {
    const x = rand(49152 * 32, 120);
    let absSum = 0;
    for (let i = 0; i < 32; i++) absSum = Math.max(absSum, x.filter((_, k) => k % 32 === i).reduce((a, v) => a + Math.abs(v), 0));
    const { cpu, wasm } = await both(() => tf.tidy(() => [tf.sum(tf.tensor2d(x, [49152, 32]), 0), tf.sum(tf.tensor3d(x, [4, 12288, 32]), 1)]));
    for (let i = 0; i < 2; i++) expect(maxAbsDiff(wasm[i].data, cpu[i].data).diff).toBeLessThan(1e-5 * absSum);
  });

  it('gather and sum on wasm leak no tensors or bytes', async () => {
    await useBackend('wasm');
    const t = tf.tensor3d(rand(6 * 7 * 8, 130), [6, 7, 8]);
    const i = tf.tensor1d([5, 0, 3, 3], 'int32');
    const step = () => tf.tidy(() => tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.sum(tf.gather(a, i, 1), [0, 1]))))(t)).dispose();
    step();
    const before = tf.memory();
    for (let k = 0; k < 10; k++) step();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(tf.getBackend()).toBe('wasm');
    tf.dispose([t, i]);
  });
});
