/** Moving parameters between plain arrays (files, init) and tfjs tensors. */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from './config';
import type { Params } from './layers';
import { paramSpecs, type ParamArrays } from './params';

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

export async function paramsToArrays(params: Params): Promise<ParamArrays> {
  const out: ParamArrays = new Map();
  for (const [name, t] of Object.entries(params)) out.set(name, (await t.data()) as Float32Array);
  return out;
}

export function disposeParams(params: Params): void {
  for (const t of Object.values(params)) t.dispose();
}
