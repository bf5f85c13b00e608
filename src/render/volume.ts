/**
 * Volume-rendering math in tfjs, with the official conventions (pi-GAN `fancy_integration`, nerf_pl
 * `sample_pdf`). Rays are rows: tensors are [rays, samples, …].
 */
import * as tf from '@tensorflow/tfjs-core';
import { randnTensor } from '../model/tensors';

export interface IntegrateOptions {
  /** δ of the last sample: 1e10 when nothing lies behind (no background), 1e-3 in front of a background. */
  lastDelta: number;
  /** Adds (1 − Σw) to every colour channel. */
  whiteBack: boolean;
  /** Added to raw σ before softplus. */
  densityShift: number;
  /** Training-time Gaussian noise on raw σ (0 at inference). */
  noiseStd?: number;
  noiseSeed?: number;
}

export interface Integrated {
  rgb: tf.Tensor2D; // [R, 3]
  depth: tf.Tensor1D; // [R]  Σ w·z
  opacity: tf.Tensor1D; // [R]  Σ w
  weights: tf.Tensor2D; // [R, S]
  /** Transmittance in front of the last sample: Π_{i<S−1}(1 − α_i + 1e-10). */
  finalT: tf.Tensor1D; // [R]
}

/**
 * rgbSigma: [R, S, 4] raw decoder outputs, z: [R, S] sorted depths.
 * δ_i = z_{i+1} − z_i; σ = softplus(σ_raw + shift); α = 1 − exp(−δσ); T = exclusive cumprod(1 − α + 1e-10).
 */
export function integrate(rgbSigma: tf.Tensor3D, z: tf.Tensor2D, opts: IntegrateOptions): Integrated {
  return tf.tidy(() => {
    const [r, s, c] = rgbSigma.shape;
    const rgbs = tf.slice(rgbSigma, [0, 0, 0], [r, s, c - 1]);
    let sig = tf.reshape(tf.slice(rgbSigma, [0, 0, c - 1], [r, s, 1]), [r, s]);
    const deltas = tf.concat([tf.sub(tf.slice(z, [0, 1], [r, s - 1]), tf.slice(z, [0, 0], [r, s - 1])), tf.fill([r, 1], opts.lastDelta)], 1);
    if (opts.noiseStd && opts.noiseStd > 0) sig = tf.add(sig, randnTensor([r, s], opts.noiseSeed ?? 0, opts.noiseStd));
    if (opts.densityShift !== 0) sig = tf.add(sig, opts.densityShift);
    const sigma = tf.softplus(sig);
    const alphas = tf.sub(1, tf.exp(tf.neg(tf.mul(deltas, sigma))));
    // Exclusive cumulative product in log space (tfjs's cumprod has no gradient).
    const logKeep = tf.log(tf.add(tf.sub(1, alphas), 1e-10));
    const T = tf.exp(tf.cumsum(logKeep, 1, true));
    const weights = tf.mul(alphas, T) as tf.Tensor2D;
    const opacity = tf.sum(weights, 1) as tf.Tensor1D;
    let rgb = tf.sum(tf.mul(rgbs, tf.expandDims(weights, 2)), 1) as tf.Tensor2D;
    if (opts.whiteBack) rgb = tf.add(rgb, tf.expandDims(tf.sub(1, opacity), 1));
    const depth = tf.sum(tf.mul(weights, z), 1) as tf.Tensor1D;
    const finalT = tf.reshape(tf.slice(T, [0, s - 1], [r, 1]), [r]) as tf.Tensor1D;
    return { rgb, depth, opacity, weights, finalT };
  });
}

/**
 * out[r, k, …] = x[r, idx[r, k], …]. A flat gather rather than gather(batchDims = 1), which the wasm
 * backend gets wrong.
 */
export function gatherPerRow(x: tf.Tensor, idx: tf.Tensor2D): tf.Tensor {
  return tf.tidy(() => {
    const [r, s, ...rest] = x.shape;
    const k = idx.shape[1];
    // In float32 (exact below 2^24): broadcasting int32 adds are a slow path on wasm.
    const offsets = tf.reshape(tf.mul(tf.range(0, r, 1, 'float32'), s), [r, 1]);
    const flat = tf.cast(tf.reshape(tf.add(tf.cast(idx, 'float32'), offsets), [r * k]), 'int32');
    const width = rest.reduce((a, b) => a * b, 1);
    return tf.reshape(tf.gather(tf.reshape(x, [r * s, width]), flat), [r, k, ...rest]);
  });
}

/**
 * Inverse-CDF sampling (nerf_pl `sample_pdf`): bins [R, B+1], weights [R, B], u [R, K] uniforms (or the
 * deterministic linspace(0, 1, K)) → samples [R, K]. Not differentiated (the official code detaches it).
 */
export function samplePdf(bins: tf.Tensor2D, weights: tf.Tensor2D, u: tf.Tensor2D, eps = 1e-5): tf.Tensor2D {
  return tf.tidy(() => {
    const [r, nb] = weights.shape;
    const w = tf.add(weights, eps);
    const pdf = tf.div(w, tf.sum(w, 1, true));
    const cdf = tf.concat([tf.zeros([r, 1]), tf.cumsum(pdf, 1)], 1) as tf.Tensor2D; // [R, B+1]
    // searchsorted(side = left): number of cdf entries strictly below u.
    const inds = tf.searchSorted(cdf, u, 'left'); // [R, K]
    const one = tf.scalar(1, 'int32');
    const below = tf.maximum(tf.sub(inds, one), tf.scalar(0, 'int32'));
    const above = tf.minimum(inds, tf.scalar(nb, 'int32'));
    const g = (t: tf.Tensor2D, i: tf.Tensor) => tf.reshape(gatherPerRow(t, i as tf.Tensor2D), i.shape);
    const cdfB = g(cdf, below);
    const cdfA = g(cdf, above);
    const binB = g(bins, below);
    const binA = g(bins, above);
    const d = tf.sub(cdfA, cdfB);
    const denom = tf.where(tf.less(d, eps), tf.onesLike(d), d);
    return tf.add(binB, tf.mul(tf.div(tf.sub(u, cdfB), denom), tf.sub(binA, binB))) as tf.Tensor2D;
  });
}

/**
 * torch's `.detach()`: a new tensor on the same data that no gradient tape links to its inputs (no kernel
 * runs, so nothing is recorded). Index tensors derived from it (sort order, searchsorted) then stay off the
 * differentiable path, which tfjs requires of gather indices.
 */
export function detach<T extends tf.Tensor>(t: T): T {
  // Two tensors now share the data: count both with the backend, as tfjs's own Identity kernel does.
  (tf.backend() as unknown as { incRef(id: object): void }).incRef(t.dataId);
  return tf.engine().makeTensorFromDataId(t.dataId, t.shape, t.dtype) as T;
}

/** Stratified jitter of sorted depths inside the bins between midpoints (official `perturb_points`). u: [R, S] ∈ [0, 1). */
export function perturbDepths(z: tf.Tensor2D, u: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [r, s] = z.shape;
    const mids = tf.mul(tf.add(tf.slice(z, [0, 1], [r, s - 1]), tf.slice(z, [0, 0], [r, s - 1])), 0.5);
    const upper = tf.concat([mids, tf.slice(z, [0, s - 1], [r, 1])], 1);
    const lower = tf.concat([tf.slice(z, [0, 0], [r, 1]), mids], 1);
    return tf.add(lower, tf.mul(tf.sub(upper, lower), u)) as tf.Tensor2D;
  });
}

/** Sorts depths along each ray and gathers the matching decoder outputs. */
export function sortSamples(z: tf.Tensor2D, out: tf.Tensor3D): { z: tf.Tensor2D; out: tf.Tensor3D } {
  return tf.tidy(() => {
    const s = z.shape[1];
    const { indices } = tf.topk(tf.neg(z), s, true);
    return { z: tf.reshape(gatherPerRow(z, indices), z.shape) as tf.Tensor2D, out: gatherPerRow(out, indices) as tf.Tensor3D };
  });
}
