/** Moving parameters between plain arrays (files, init) and tfjs tensors. */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from './config';
import type { Params } from './layers';
import { paramSpecs, type ParamArrays } from './params';
import { MT19937 } from './prng';

/** Creates one tensor per spec; throws naming the first missing or mis-sized tensor. */
export function paramsFromArrays(cfg: ModelConfig, arrays: ParamArrays): Params {
  const out: Params = {};
  try {
    for (const spec of paramSpecs(cfg)) {
      const a = arrays.get(spec.name);
      if (!a) throw new Error(`tensor "${spec.name}" is missing`);
      const n = spec.shape.reduce((x, y) => x * y, 1);
      if (a.length !== n) throw new Error(`tensor "${spec.name}" has ${a.length} values, expected ${n} for shape [${spec.shape}]`);
      out[spec.name] = tf.tensor(a, spec.shape, 'float32');
    }
  } catch (e) {
    disposeParams(out);
    throw e;
  }
  return out;
}

/**
 * Standard normals (×std) from the project's PRNG, as a tensor. tfjs's own seeded random ops go through the
 * CommonJS `seedrandom` package, which plain Node ESM script runners cannot import; this runs everywhere and
 * is the same stream in Node and the browser.
 */
export function randnTensor(shape: number[], seed: number, std = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const a = new MT19937(seed >>> 0).randn(n);
  if (std !== 1) for (let i = 0; i < n; i++) a[i] *= std;
  return tf.tensor(a, shape);
}

/** Inverted dropout: x·mask/(1 − p) with a PRNG mask (see randnTensor for why not tf.dropout). */
export function dropout(x: tf.Tensor, p: number, seed: number): tf.Tensor {
  const mt = new MT19937(seed >>> 0);
  const mask = new Float32Array(x.size);
  for (let i = 0; i < mask.length; i++) mask[i] = mt.random() < p ? 0 : 1 / (1 - p);
  return tf.mul(x, tf.tensor(mask, x.shape));
}

export function disposeParams(params: Params): void {
  for (const t of Object.values(params)) t.dispose();
}
