/**
 * Hand-built scenes with known structure, for tests and benchmarks: a random generator's background and
 * latent, but tri-planes and decoder replaced so that density is confined to a compact object.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../../src/model/config';
import type { Params } from '../../src/model/layers';
import { MLP } from '../../src/model/params';
import { toDisplay } from '../../src/render/displayMap';

/**
 * Decoder whose σ_raw = sigmaBias + sigmaGain·f0 (f0 ≥ 0) and RGB = rgbBias + colourGain·f1 (red, f1 ≥ 0);
 * other features are ignored. Needs at least 2 hidden units.
 */
export function craftedDecoder(cfg: ModelConfig, params: Params, o: { rgbBias: [number, number, number]; sigmaBias: number; sigmaGain: number; colourGain?: number }): Params {
  if (cfg.decoder.hidden.length !== 1) throw new Error('craftedDecoder expects one hidden layer');
  const hidden = cfg.decoder.hidden[0];
  const c = cfg.triplane.channels;
  const w0 = new Float32Array(hidden * c);
  w0[0] = Math.sqrt(c); // h0 = lrelu(f0)·√2 (the 1/√c gain undone)
  w0[1 * c + 1] = Math.sqrt(c); // h1 = lrelu(f1)·√2
  const w1 = new Float32Array(4 * hidden);
  const g = Math.sqrt(hidden) / Math.SQRT2;
  w1[3 * hidden + 0] = o.sigmaGain * g;
  w1[0 * hidden + 1] = (o.colourGain ?? 0) * g;
  return {
    ...params,
    [`${MLP}.0.weight`]: tf.tensor2d(w0, [hidden, c]),
    [`${MLP}.0.bias`]: tf.zeros([hidden]),
    [`${MLP}.1.weight`]: tf.tensor2d(w1, [4, hidden]),
    [`${MLP}.1.bias`]: tf.tensor1d([...o.rgbBias, o.sigmaBias]),
  };
}

/**
 * Planes whose feature 0 is 1 inside a disc of radius `radius` (in plane units, scene box = [−1, 1]²) on
 * every plane — so the mean is 1 only inside the intersection of three cylinders — and whose feature 1 is a
 * smooth stripe pattern that colours the object.
 */
export function blobPlanes(cfg: ModelConfig, radius: number): tf.Tensor4D {
  const r = cfg.triplane.resolution;
  const c = cfg.triplane.channels;
  const pl = new Float32Array(r * r * 3 * c);
  for (let y = 0; y < r; y++)
    for (let x = 0; x < r; x++) {
      const u = (x / (r - 1)) * 2 - 1;
      const v = (y / (r - 1)) * 2 - 1;
      for (let p = 0; p < 3; p++) {
        const base = (y * r + x) * 3 * c + p * c;
        pl[base] = Math.hypot(u, v) < radius ? 1 : 0;
        pl[base + 1] = 0.5 + 0.5 * Math.sin(6 * u + 3 * p) * Math.cos(5 * v);
      }
    }
  return tf.tensor4d(pl, [1, r, r, 3 * c]);
}

/**
 * The standard structured scene: an opaque coloured object — the intersection of three cylinders, raw σ 400
 * inside, −60 where only two overlap — in an otherwise empty box. `radius` is in plane units (box = [−1, 1]).
 */
export function blobScene(cfg: ModelConfig, params: Params, radius = 0.3): { params: Params; planes: tf.Tensor4D } {
  return {
    params: craftedDecoder(cfg, params, { rgbBias: [0.2, 0.5, -0.3], sigmaBias: -980, sigmaGain: 1380, colourGain: 1.2 }),
    planes: blobPlanes(cfg, radius),
  };
}

/** PSNR in dB between two images in raw space (compared after the display map clamp(x, −1, 1)·0.5 + 0.5). */
export function psnr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) {
    const d = toDisplay(a[i]) - toDisplay(b[i]);
    se += d * d;
  }
  const mse = se / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10(1 / mse);
}

/** A decoder no preset has: two hidden layers (12, 8) on 6 channels (not a multiple of 4), the rest as `cfg`. */
export const withDeepDecoder = (cfg: ModelConfig): ModelConfig => ({ ...cfg, decoder: { hidden: [12, 8] }, triplane: { ...cfg.triplane, channels: 6 } });
