/**
 * The background INR (INR-GAN blocks with w-modulated linear layers) evaluated on NeRF++ inverse-sphere
 * coordinates (x′, y′, z′, 1/r).
 */
import * as tf from '@tensorflow/tfjs-core';
import { BG_COORD_DIM, bgFourierCoefs, bgFourierPeriod, numWsBackground, numWsTriplane, type ModelConfig } from './config';
import { biasLrelu, fullyConnected, modulatedLinear, param, type Params } from './layers';
import { BG } from './params';

/** Fourier features: per coordinate [sin(f_0 x) … sin(f_{F−1} x), cos(…)], coordinates concatenated. */
export function bgFourierFeatures(cfg: ModelConfig, pts: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const [n, p] = pts.shape;
    const f = cfg.background.fourierFrequencies;
    const coefs = tf.tensor1d(bgFourierCoefs(cfg));
    const raw = tf.mul(tf.expandDims(tf.mul(pts, bgFourierPeriod(cfg)), 3), coefs); // [N, P, 4, F]
    const feats = tf.concat([tf.sin(raw), tf.cos(raw)], 3); // [N, P, 4, 2F]
    return tf.reshape(feats, [n, p, BG_COORD_DIM * 2 * f]) as tf.Tensor3D;
  });
}

function synthLayer(params: Params, name: string, x: tf.Tensor3D, w: tf.Tensor2D): tf.Tensor3D {
  const styles = fullyConnected(params, `${name}.affine`, w);
  const y = modulatedLinear(param(params, `${name}.weight`), x, styles, true);
  return biasLrelu(y, param(params, `${name}.bias`)) as tf.Tensor3D;
}

function outputLayer(params: Params, name: string, x: tf.Tensor3D, w: tf.Tensor2D): tf.Tensor3D {
  const weight = param(params, `${name}.weight`);
  const styles = tf.mul(fullyConnected(params, `${name}.affine`, w), 1 / Math.sqrt(weight.shape[1]!)) as tf.Tensor2D;
  return tf.add(modulatedLinear(weight, x, styles, false), param(params, `${name}.bias`));
}

/**
 * pts: [N, P, 4] inverse-sphere coordinates, ws: the full [N, numWs, wDim] (the background reads its own
 * last slots) → raw RGB σ [N, P, 4].
 */
export function backgroundInr(cfg: ModelConfig, params: Params, ws: tf.Tensor3D, pts: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    if (!cfg.background.enabled) throw new Error('this model has no background INR');
    const n = ws.shape[0];
    const base = numWsTriplane(cfg);
    const wAt = (i: number) => {
      if (i >= numWsBackground(cfg)) throw new Error('internal: background ws index out of range');
      return tf.reshape(tf.slice(ws, [0, base + i, 0], [n, 1, cfg.wDim]), [n, cfg.wDim]) as tf.Tensor2D;
    };
    let x = bgFourierFeatures(cfg, pts);
    let out: tf.Tensor3D | null = null;
    let wIdx = 0;
    for (let i = 0; i < cfg.background.blocks; i++) {
      const b = `${BG}.${i}`;
      let outW: tf.Tensor2D;
      if (i === 0) {
        x = synthLayer(params, `${b}.conv1`, x, wAt(0));
        outW = wAt(1);
        wIdx = 1;
      } else {
        x = synthLayer(params, `${b}.conv0`, x, wAt(wIdx));
        x = synthLayer(params, `${b}.conv1`, x, wAt(wIdx + 1));
        outW = wAt(wIdx + 2);
        wIdx += 2;
      }
      const y = outputLayer(params, `${b}.to_out`, x, outW);
      out = out ? (tf.add(out, y) as tf.Tensor3D) : y;
    }
    return out!;
  });
}
