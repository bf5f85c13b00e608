/**
 * Packs network weights for the WGSL passes, on the GPU with tfjs (no CPU round trip):
 * - the decoder MLP, equalised-lr gains baked in (once per model);
 * - the background INR modulated and demodulated for one latent (once per w, never per pixel).
 * Decoder layout, per layer in evaluation order: W [out, in] row-major, then bias [out]. The background INR's
 * layout is the one its tiled evaluation reads (backgroundInrWgsl.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { decoderDims, numWsTriplane, type ModelConfig } from '../model/config';
import { demodCoefs, fcWeightGain, fullyConnected, param, type Params } from '../model/layers';
import { BG, MLP } from '../model/params';

export function packDecoder(cfg: ModelConfig, params: Params): tf.Tensor1D {
  return tf.tidy(() => {
    const parts: tf.Tensor[] = [];
    const layers = cfg.decoder.hidden.length + 1;
    for (let i = 0; i < layers; i++) {
      const w = param(params, `${MLP}.${i}.weight`);
      parts.push(tf.reshape(tf.mul(w, fcWeightGain(w.shape[1]!)), [-1]), param(params, `${MLP}.${i}.bias`));
    }
    return tf.concat(parts) as tf.Tensor1D;
  });
}

/** Number of floats packDecoder produces. */
export function decoderFloats(cfg: ModelConfig): number {
  const dims = decoderDims(cfg);
  let n = 0;
  for (let i = 0; i + 1 < dims.length; i++) n += denseFloats(dims[i], dims[i + 1]);
  return n;
}

/** Floats of one packed dense layer: W [out, in] then bias [out]. */
export const denseFloats = (nin: number, nout: number) => nin * nout + nout;

/** ws: [1, numWs, wDim] → the background INR's effective weights for that latent. */
export function packBackground(cfg: ModelConfig, params: Params, ws: tf.Tensor3D): tf.Tensor1D {
  return tf.tidy(() => {
    if (!cfg.background.enabled) return tf.zeros([4]) as tf.Tensor1D;
    const base = numWsTriplane(cfg);
    const wAt = (i: number) => tf.reshape(tf.slice(ws, [0, base + i, 0], [1, 1, cfg.wDim]), [1, cfg.wDim]) as tf.Tensor2D;
    const parts: tf.Tensor[] = [];
    // W [O, I] → [⌈I/4⌉, O, 4] (inputs zero-padded), then the bias zero-padded to whole vec4s.
    const push = (weight: tf.Tensor2D, bias: tf.Tensor) => {
      const [O, I] = weight.shape;
      const I4 = Math.ceil(I / 4);
      const blocked = tf.reshape(tf.pad(weight, [[0, 0], [0, 4 * I4 - I]]), [O, I4, 4]);
      parts.push(tf.reshape(tf.transpose(blocked, [1, 0, 2]), [-1]), tf.pad(tf.reshape(bias, [-1]), [[0, 4 * Math.ceil(O / 4) - O]]));
    };
    const modulated = (name: string, w: tf.Tensor2D) => {
      const weight = param(params, `${name}.weight`) as tf.Tensor2D; // [O, I]
      const styles = fullyConnected(params, `${name}.affine`, w); // [1, I]
      const d = demodCoefs(weight, styles); // [1, O]
      push(tf.mul(tf.mul(weight, styles), tf.transpose(d)), param(params, `${name}.bias`));
    };
    const output = (name: string, w: tf.Tensor2D) => {
      const weight = param(params, `${name}.weight`) as tf.Tensor2D;
      const styles = tf.mul(fullyConnected(params, `${name}.affine`, w), 1 / Math.sqrt(weight.shape[1]));
      push(tf.mul(weight, styles), param(params, `${name}.bias`));
    };
    let wIdx = 0;
    for (let b = 0; b < cfg.background.blocks; b++) {
      const name = `${BG}.${b}`;
      if (b === 0) {
        modulated(`${name}.conv1`, wAt(0));
        output(`${name}.to_out`, wAt(1));
        wIdx = 1;
      } else {
        modulated(`${name}.conv0`, wAt(wIdx));
        modulated(`${name}.conv1`, wAt(wIdx + 1));
        output(`${name}.to_out`, wAt(wIdx + 2));
        wIdx += 2;
      }
    }
    return tf.concat(parts) as tf.Tensor1D;
  });
}
