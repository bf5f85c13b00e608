/**
 * StyleGAN2 building blocks in tfjs with the official math. Activations are NHWC (tfjs's native layout);
 * official weights keep their PyTorch layouts and are transposed here.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients; the trainer and the tests differentiate through the generator.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import './kernels/register';
import { randnTensor } from './tensors';

export type Params = Record<string, tf.Tensor>;

export function param(params: Params, name: string): tf.Tensor {
  const t = params[name];
  if (!t) throw new Error(`generator parameter "${name}" is missing`);
  return t;
}

/**
 * leaky ReLU (slope 0.2) written as 0.6x + 0.4|x|: exactly equal, and unlike tf.leakyRelu it can be
 * differentiated twice on every backend (needed inside R1).
 */
export function lrelu(x: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(x, 0.6), tf.mul(tf.abs(x), 0.4));
}

/**
 * clamp(x, −c, c) written as x − relu(x − c) + relu(−x − c): the same values, but unlike tf.clipByValue (whose
 * gradient uses LogicalAnd) it can be differentiated twice, as R1 needs inside the discriminator.
 */
export function clampSym(x: tf.Tensor, c: number): tf.Tensor {
  return tf.add(tf.sub(x, tf.relu(tf.sub(x, c))), tf.relu(tf.sub(tf.neg(x), c)));
}

/** `bias_act` with act = lrelu: add bias, lrelu, multiply by the gain (√2 by default), clamp. */
export function biasLrelu(x: tf.Tensor, bias: tf.Tensor, gain = Math.SQRT2, clamp: number | null = null): tf.Tensor {
  const y = tf.mul(lrelu(tf.add(x, bias)), gain);
  return clamp === null ? y : clampSym(y, clamp);
}

export type Activation = 'linear' | 'lrelu';

/** The equalised-learning-rate gain of a fully connected weight: lrMul/√in. */
export function fcWeightGain(inFeatures: number, lrMul = 1): number {
  return lrMul / Math.sqrt(inFeatures);
}

/** Equalised-learning-rate fully connected layer: weight·(lrMul/√in), bias·lrMul. x: [B, in]. */
/**
 * x [M, I] · wᵀ for w [O, I]. On wasm, many rows go through a 1×1 Conv2D instead: XNNPACK's convolution runs
 * ~6× faster than tfjs-wasm's BatchMatMul at these shapes (the decoder and background MLPs over every sample).
 */
export function denseRows(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const [m, i] = x.shape;
  const o = w.shape[0];
  if (m < 1024 || tf.getBackend() !== 'wasm') return tf.matMul(x, w, false, true);
  const f = tf.reshape(tf.transpose(w), [1, 1, i, o]) as tf.Tensor4D;
  return tf.reshape(tf.conv2d(tf.reshape(x, [1, 1, m, i]) as tf.Tensor4D, f, 1, 'valid'), [m, o]);
}

export function fullyConnected(params: Params, name: string, x: tf.Tensor2D, act: Activation = 'linear', lrMul = 1): tf.Tensor2D {
  const w = param(params, `${name}.weight`);
  const b = param(params, `${name}.bias`);
  const y = denseRows(x, tf.mul(w, fcWeightGain(w.shape[1]!, lrMul)) as tf.Tensor2D);
  const bias = lrMul === 1 ? b : tf.mul(b, lrMul);
  return (act === 'lrelu' ? biasLrelu(y, bias) : tf.add(y, bias)) as tf.Tensor2D;
}

/** x · rsqrt(mean(x², axis 1) + 1e-8). */
export function normalize2ndMoment(x: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), 1, true), 1e-8)));
}

// ---- FIR resampling -----------------------------------------------------------------------------

/** The official resample filter [1, 3, 3, 1]; its 2-D form is the normalised outer product. */
export const FIR = [1, 3, 3, 1].map((v) => v / 8);

/**
 * 1-D linear operators equal to the official upfirdn2d calls, applied per axis because the 2-D filter is
 * separable. Gain 2 per axis (4 in 2-D) for the up-sampling kinds.
 *  - 'up': `upsample2d` (zero-insertion ×2, pad [2, 1], filter) — n → 2n, used on the skip image;
 *  - 'convUp': the filter after a stride-2 transposed 3×3 conv (pad [1, 1]) — 2n + 1 → 2n;
 *  - 'down': `downsample2d` (pad [1, 1], filter, keep every 2nd) — n → n/2, before a 1×1 conv;
 *  - 'convDown': the blur before a stride-2 3×3 conv (pad [2, 2], filter) — n → n + 1.
 * Written as four shifted slices of the zero-padded input (polyphase for ×2 and ÷2), so the cost is four
 * multiply-adds per sample and every op is differentiable twice (R1 differentiates through D's blur).
 */
export type FirKind = 'up' | 'convUp' | 'down' | 'convDown';

function firAxis(x: tf.Tensor4D, axis: 1 | 2, kind: FirKind): tf.Tensor4D {
  const n = x.shape[axis];
  const pad = (before: number, after: number) => {
    const p: [number, number][] = [[0, 0], [0, 0], [0, 0], [0, 0]];
    p[axis] = [before, after];
    return tf.pad(x, p) as tf.Tensor4D;
  };
  const slice = (t: tf.Tensor4D, start: number, len: number) => {
    const begin = [0, 0, 0, 0];
    const size = [-1, -1, -1, -1];
    begin[axis] = start;
    size[axis] = len;
    return tf.slice(t, begin, size);
  };
  const taps = (terms: [tf.Tensor4D, number][]) => tf.addN(terms.map(([t, c]) => tf.mul(t, c))) as tf.Tensor4D;
  // Phases live on an extra axis of length 2 next to `axis`; folding the other dims keeps tensors 4-D (wasm's
  // 5-D slices, splits and unpacks are slow loops).
  const [N, H, W, C] = x.shape;
  const phased = (len: number) => (axis === 1 ? [N, len, 2, W * C] : [N * H, len, 2, C]) as [number, number, number, number];
  const interleave = (even: tf.Tensor4D, odd: tf.Tensor4D) => {
    const len = even.shape[axis];
    const one = (t: tf.Tensor4D) => tf.reshape(t, (axis === 1 ? [N, len, 1, W * C] : [N * H, len, 1, C]) as [number, number, number, number]);
    const shape = [...even.shape] as [number, number, number, number];
    shape[axis] *= 2;
    return tf.reshape(tf.concat([one(even), one(odd)], 2), shape) as tf.Tensor4D;
  };
  const f = FIR;
  switch (kind) {
    case 'up': {
      // out[2m] = 2f0·x[m−1] + 2f2·x[m]; out[2m+1] = 2f1·x[m] + 2f3·x[m+1].
      const xp = pad(1, 1);
      const even = taps([[slice(xp, 0, n), 2 * f[0]], [slice(xp, 1, n), 2 * f[2]]]);
      const odd = taps([[slice(xp, 1, n), 2 * f[1]], [slice(xp, 2, n), 2 * f[3]]]);
      return interleave(even, odd);
    }
    case 'convUp': {
      // out[o] = Σ_t 2f_t·y[o + t − 1], o < n − 1.
      const xp = pad(1, 1);
      return taps(f.map((c, t) => [slice(xp, t, n - 1), 2 * c]));
    }
    case 'convDown': {
      // out[o] = Σ_t f_t·x[o + t − 2], o ≤ n.
      const xp = pad(2, 2);
      return taps(f.map((c, t) => [slice(xp, t, n + 1), c]));
    }
    case 'down': {
      // out[o] = Σ_t f_t·x[2o + t − 1]: even/odd phases of the padded input.
      const xp = pad(1, 1);
      const pairs = tf.reshape(xp, phased((n + 2) / 2));
      const unfold = [...xp.shape] as [number, number, number, number];
      unfold[axis] = (n + 2) / 2;
      const phase = (k: number) => tf.reshape(tf.slice(pairs, [0, 0, k, 0], [-1, -1, 1, -1]), unfold) as tf.Tensor4D;
      const [e, o] = [phase(0), phase(1)];
      const m = n / 2;
      return taps([[slice(e, 0, m), f[0]], [slice(o, 0, m), f[1]], [slice(e, 1, m), f[2]], [slice(o, 1, m), f[3]]]);
    }
  }
}

/** Applies the same 1-D operator along H and W of an NHWC tensor. */
export function separableFir(x: tf.Tensor4D, kind: FirKind): tf.Tensor4D {
  return tf.tidy(() => firAxis(firAxis(x, 1, kind), 2, kind));
}

// ---- modulated convolutions ---------------------------------------------------------------------

/**
 * StyleGAN2 demodulation coefficients rsqrt(Σ_i (W[o, i]·s[n, i])² + 1e-8): [N, O]. `weight` is [O, I]
 * (or, with `squared`, the per-(o, i) sum of squares already taken over the kernel).
 */
export function demodCoefs(weight: tf.Tensor2D, styles: tf.Tensor2D, squared = false): tf.Tensor2D {
  const wsq = squared ? weight : tf.square(weight);
  return tf.rsqrt(tf.add(tf.matMul(tf.square(styles), wsq as tf.Tensor2D, false, true), 1e-8)) as tf.Tensor2D;
}

export type NoiseMode = 'const' | 'random' | 'none';

export interface SynthLayerOptions {
  up: boolean;
  noiseMode: NoiseMode;
  convClamp: number | null;
  /** Only for noiseMode 'random'. */
  seed?: number;
}

/**
 * StyleGAN2 SynthesisLayer: modulated 3×3 conv with demodulation, optional ×2 upsampling, noise, bias,
 * lrelu·√2, clamp. Uses the official non-fused formulation (scale activations before and after the conv),
 * which equals the fused grouped conv up to float rounding and batches on every backend.
 * x: [N, H, W, I], w: [N, wDim] → [N, H', W', O].
 */
export function synthesisLayer(params: Params, name: string, x: tf.Tensor4D, w: tf.Tensor2D, opts: SynthLayerOptions): tf.Tensor4D {
  const weight = param(params, `${name}.weight`); // [O, I, 3, 3]
  const [outC, inC] = weight.shape as number[];
  const [n, h, wd] = x.shape;
  const styles = fullyConnected(params, `${name}.affine`, w); // [N, I]
  const dcoefs = demodCoefs(tf.sum(tf.square(weight), [2, 3]) as tf.Tensor2D, styles, true); // [N, O]
  const xs = tf.mul(x, tf.reshape(styles, [n, 1, 1, inC])) as tf.Tensor4D;
  let y: tf.Tensor4D;
  if (opts.up) {
    // PyTorch conv_transpose2d with weight [I, O, k, k] (unflipped) == tfjs conv2dTranspose with [k, k, O, I].
    const f = tf.transpose(weight, [2, 3, 0, 1]) as tf.Tensor4D;
    y = tf.conv2dTranspose(xs, f, [n, 2 * h + 1, 2 * wd + 1, outC], 2, 'valid');
    y = separableFir(y, 'convUp');
  } else {
    const f = tf.transpose(weight, [2, 3, 1, 0]) as tf.Tensor4D; // [k, k, I, O]
    y = tf.conv2d(xs, f, 1, 'same');
  }
  y = tf.mul(y, tf.reshape(dcoefs, [n, 1, 1, outC]));
  const res = y.shape[1];
  if (opts.noiseMode !== 'none' && params[`${name}.noise_strength`]) {
    const strength = param(params, `${name}.noise_strength`);
    const noise =
      opts.noiseMode === 'const'
        ? tf.reshape(param(params, `${name}.noise_const`), [1, res, res, 1])
        : randnTensor([n, res, res, 1], opts.seed ?? 0);
    y = tf.add(y, tf.mul(noise, tf.reshape(strength, [])));
  }
  return biasLrelu(y, param(params, `${name}.bias`), Math.SQRT2, opts.convClamp) as tf.Tensor4D;
}

/** StyleGAN2 ToRGBLayer: modulated 1×1 conv without demodulation, bias, clamp. */
export function toRgbLayer(params: Params, name: string, x: tf.Tensor4D, w: tf.Tensor2D, convClamp: number | null): tf.Tensor4D {
  const weight = param(params, `${name}.weight`); // [O, I, 1, 1]
  const [outC, inC] = weight.shape as number[];
  const [n, h, wd] = x.shape;
  const styles = tf.mul(fullyConnected(params, `${name}.affine`, w), 1 / Math.sqrt(inC));
  const xs = tf.reshape(tf.mul(x, tf.reshape(styles, [n, 1, 1, inC])), [n * h * wd, inC]) as tf.Tensor2D;
  const y = denseRows(xs, tf.reshape(weight, [outC, inC]) as tf.Tensor2D);
  let out = tf.add(y, param(params, `${name}.bias`));
  if (convClamp !== null) out = tf.clipByValue(out, -convClamp, convClamp);
  return tf.reshape(out, [n, h, wd, outC]);
}

/**
 * INR-GAN modulated linear layer (`style_modulate_linear`) over point sets. x: [N, P, I], styles: [N, I].
 * With demodulation the weight is used raw; the output layer passes pre-scaled styles and no demodulation.
 */
export function modulatedLinear(weight: tf.Tensor, x: tf.Tensor3D, styles: tf.Tensor2D, demodulate: boolean): tf.Tensor3D {
  const [outC, inC] = weight.shape as number[];
  const n = x.shape[0];
  const p = x.shape[1];
  const xs = tf.mul(x, tf.reshape(styles, [n, 1, inC])) as tf.Tensor3D;
  let y = tf.reshape(denseRows(tf.reshape(xs, [n * p, inC]) as tf.Tensor2D, weight as tf.Tensor2D), [n, p, outC]) as tf.Tensor3D;
  if (demodulate) y = tf.mul(y, tf.reshape(demodCoefs(weight as tf.Tensor2D, styles), [n, 1, outC])) as tf.Tensor3D;
  return y;
}
