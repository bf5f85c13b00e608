/**
 * EpiGRAF's objective: the non-saturating logistic GAN loss and the R1 penalty γ/2·E‖∇ₓD(x)‖² on real
 * patches (a true second-order gradient when D's parameters are optimised through it).
 */
import * as tf from '@tensorflow/tfjs-core';
import { discriminate, type DConfig, type DInputs } from './discriminator';
import type { Params } from '../model/layers';

/** D: softplus(D(fake)) + softplus(−D(real)). */
export function dLoss(real: tf.Tensor1D, fake: tf.Tensor1D): tf.Scalar {
  return tf.add(tf.mean(tf.softplus(fake)), tf.mean(tf.softplus(tf.neg(real)))) as tf.Scalar;
}

/** G: softplus(−D(fake)). */
export function gLoss(fake: tf.Tensor1D): tf.Scalar {
  return tf.mean(tf.softplus(tf.neg(fake))) as tf.Scalar;
}

/** γ/2 · mean over samples of ‖∂ΣD/∂x‖² for real inputs (no gradient to the inputs themselves). */
export function r1Penalty(c: DConfig, p: Params, real: DInputs, gamma: number): tf.Scalar {
  const grad = tf.grad((x: tf.Tensor) => tf.sum(discriminate(c, p, { ...real, images: x as tf.Tensor4D })))(real.images);
  return tf.mul(tf.mean(tf.sum(tf.square(grad), [1, 2, 3])), gamma / 2) as tf.Scalar;
}
