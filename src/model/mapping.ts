/**
 * Mapping network z (+ c) → w, broadcast to every ws slot, with the tracked w_avg and truncation ψ.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MAPPING_LR_MULTIPLIER, numWs, type ModelConfig } from './config';
import { fullyConnected, normalize2ndMoment, param, type Params } from './layers';
import { MAPPING } from './params';
import { zFromSeed } from './prng';

export interface MappingOptions {
  /** Truncation ψ: w ← w_avg + ψ·(w − w_avg). 1 = off. */
  psi?: number;
  /** The w̄ to truncate towards, [wDim] or [N, wDim] (e.g. per-class means); default the tracked `mapping.w_avg`. */
  wAvg?: tf.Tensor;
}

/** z: [N, zDim], c: [N, cDim] one-hot or null → ws: [N, numWs, wDim]. */
export function mapping(cfg: ModelConfig, params: Params, z: tf.Tensor2D, c: tf.Tensor2D | null, opts: MappingOptions = {}): tf.Tensor3D {
  return tf.tidy(() => {
    const w = mappingW(cfg, params, z, c);
    const psi = opts.psi ?? 1;
    const truncated = psi === 1 ? w : truncate(w, opts.wAvg ?? param(params, `${MAPPING}.w_avg`), psi);
    const n = z.shape[0];
    return tf.tile(tf.reshape(truncated, [n, 1, cfg.wDim]), [1, numWs(cfg), 1]) as tf.Tensor3D;
  });
}

/** The un-truncated, un-broadcast w: [N, wDim]. The trainer tracks w_avg from it. */
export function mappingW(cfg: ModelConfig, params: Params, z: tf.Tensor2D, c: tf.Tensor2D | null): tf.Tensor2D {
  if (z.shape[1] !== cfg.zDim) throw new Error(`z must be [N, ${cfg.zDim}] (got [${z.shape}])`);
  let x = normalize2ndMoment(z);
  if (cfg.cDim > 0) {
    if (!c || c.shape[1] !== cfg.cDim) throw new Error(`this model is conditional: c must be [N, ${cfg.cDim}]`);
    const y = normalize2ndMoment(fullyConnected(params, `${MAPPING}.embed`, c));
    x = tf.concat([x, y], 1);
  }
  for (let i = 0; i < cfg.mappingLayers; i++) x = fullyConnected(params, `${MAPPING}.fc${i}`, x, 'lrelu', MAPPING_LR_MULTIPLIER);
  return x;
}

/** z samples of the per-class mean: np.random.RandomState(0).randn(CLASS_MEAN_SAMPLES, zDim). */
export const CLASS_MEAN_SAMPLES = 256;

/**
 * The mean w of one class, the way the official inference truncates conditional models: the mean of the
 * (un-truncated) mapping over many z with that class's one-hot label. [wDim].
 */
export function classMeanW(cfg: ModelConfig, params: Params, label: number, samples = CLASS_MEAN_SAMPLES): tf.Tensor1D {
  const z = zFromSeed(0, samples * cfg.zDim);
  return tf.tidy(() => {
    const zs = tf.tensor2d(z, [samples, cfg.zDim]);
    const w = mappingW(cfg, params, zs, oneHot(cfg, Array(samples).fill(label)));
    return tf.mean(w, 0) as tf.Tensor1D;
  });
}

/** w_avg.lerp(w, ψ). */
export function truncate(w: tf.Tensor2D, wAvg: tf.Tensor, psi: number): tf.Tensor2D {
  return tf.add(wAvg, tf.mul(tf.sub(w, wAvg), psi));
}

/** One-hot labels [N, cDim]. */
export function oneHot(cfg: ModelConfig, labels: number[]): tf.Tensor2D {
  for (const l of labels) if (!Number.isInteger(l) || l < 0 || l >= cfg.cDim) throw new Error(`class label ${l} out of range [0, ${cfg.cDim})`);
  return tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), cfg.cDim), 'float32') as tf.Tensor2D;
}
