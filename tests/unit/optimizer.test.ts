/** The typed-array Adam and EMA against tf.train.adam and the tfjs-op EMA, and their shared checkpoint layout. */
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend, maxAbsDiff } from '../helpers/backend';
import { FlatAdam, TfAdam, lerpVariables, makeAdam, type ParamOptimizer } from '../../src/train/optimizer';
import { MT19937 } from '../../src/model/prng';

const SHAPES = [[3, 4], [7], [2, 3, 2, 5]];

function randoms(rng: MT19937, n: number, scale: number): Float32Array {
  return Float32Array.from({ length: n }, () => (rng.random() * 2 - 1) * scale);
}

function makeVars(seed: number): tf.Variable[] {
  const rng = new MT19937(seed);
  return SHAPES.map((s) => tf.variable(tf.tensor(randoms(rng, s.reduce((a, b) => a * b, 1), 1), s)));
}

/** Runs `steps` updates with gradients drawn from `seed` (half of them as tensors, half as arrays). */
async function run(opt: ParamOptimizer, vars: tf.Variable[], steps: number, seed: number): Promise<void> {
  const rng = new MT19937(seed);
  for (let s = 0; s < steps; s++) {
    const grads = vars.map((v, i) => {
      const g = randoms(rng, v.size, 0.1 * (i + 1));
      return (s + i) % 2 ? g : tf.tensor(g, v.shape);
    });
    await opt.update(vars, grads);
  }
}

function expectClose(a: tf.Variable[], b: tf.Variable[]): void {
  a.forEach((v, i) => {
    const { diff, scale } = maxAbsDiff(v.dataSync(), b[i].dataSync());
    expect(scale).toBeGreaterThan(0.1);
    expect(diff).toBeLessThan(2e-6);
  });
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('FlatAdam', () => {
  for (const beta1 of [0, 0.9]) {
    it(`equals tf.train.adam over 5 updates (β1 = ${beta1})`, async () => {
      const settings = { lr: 0.01, beta1, beta2: 0.99 ** (16 / 17), eps: 1e-8 };
      const [va, vb, v0] = [makeVars(1), makeVars(1), makeVars(1)];
      const [flat, ref] = [new FlatAdam(settings), new TfAdam(settings)];
      const before = tf.memory().numTensors;
      await run(flat, va, 5, 7);
      expect(tf.memory().numTensors).toBe(before); // no tensors left behind by the loops
      await run(ref, vb, 5, 7);
      expectClose(va, vb);
      // and it moved: Adam's first step is ≈ lr per element
      const moved = maxAbsDiff(va[0].dataSync(), v0[0].dataSync()).diff;
      expect(moved).toBeGreaterThan(0.02);
      expect(moved).toBeLessThan(0.051);
      [flat, ref].forEach((o) => o.dispose());
      tf.dispose([...va, ...vb, ...v0]);
    });
  }

  it('resumes from tf.train.adam state and back (same getWeights layout)', async () => {
    const settings = { lr: 0.02, beta1: 0.5, beta2: 0.99, eps: 1e-8 };
    const [va, vb] = [makeVars(2), makeVars(2)];
    // Reference: 5 tfjs updates. Mixed: 2 tfjs, 2 flat (from the tfjs state), 1 tfjs (from the flat state).
    const ref = new TfAdam(settings);
    await run(ref, va, 2, 11);
    await run(ref, va, 2, 12);
    await run(ref, va, 1, 13);
    const first = new TfAdam(settings);
    await run(first, vb, 2, 11);
    const flat = new FlatAdam(settings);
    const w1 = await first.getWeights();
    expect(w1.map((w) => w.tensor.size)).toEqual([1, 12, 7, 60, 12, 7, 60]);
    await flat.setWeights(w1);
    await run(flat, vb, 2, 12);
    const w2 = await flat.getWeights();
    expect((await w2[0].tensor.data())[0]).toBe(4); // iterations
    const last = new TfAdam(settings);
    await last.setWeights(w2);
    await run(last, vb, 1, 13);
    expectClose(va, vb);
    await expect(flat.setWeights(w2.slice(1))).rejects.toThrow(/iterations, m…, v…/);
    [ref, first, flat, last].forEach((o) => o.dispose());
    tf.dispose([...va, ...vb]);
  });

  it('is chosen on cpu-memory backends and refuses a gradient of the wrong size', async () => {
    const opt = makeAdam({ lr: 0.1, beta1: 0, beta2: 0.99, eps: 1e-8 });
    expect(opt).toBeInstanceOf(FlatAdam);
    const v = makeVars(3);
    await expect(opt.update(v, [new Float32Array(12), new Float32Array(6), new Float32Array(60)])).rejects.toThrow(/gradient 1 has 6 values, variable has 7/);
    tf.dispose(v);
  });
});

describe('lerpVariables', () => {
  it('moves each target towards its source by 1 − β, as the tfjs ops do', () => {
    const [t, s] = [makeVars(4), makeVars(5)];
    const expected = t.map((v, i) => tf.tidy(() => tf.add(s[i], tf.mul(tf.sub(v, s[i]), 0.75))));
    lerpVariables(t, s, 0.75);
    t.forEach((v, i) => expect(maxAbsDiff(v.dataSync(), expected[i].dataSync()).diff).toBeLessThan(3e-7));
    tf.dispose([...t, ...s, ...expected]);
  });
});
