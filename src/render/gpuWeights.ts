/**
 * Packs network weights for the WGSL passes, on the GPU with tfjs (no CPU round trip):
 * - the decoder MLP, equalised-lr gains baked in (once per model);
 * - the background INR modulated and demodulated for one latent (once per w, never per pixel).
 * Each layout is the one its WGSL reads: the decoder's in mlpWgsl.ts (vec4 groups of four neurons, the output
 * layer fused into the last hidden one), the background INR's in backgroundInrWgsl.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DECODER_OUT, numWsTriplane, type ModelConfig } from '../model/config';
import { decoderLayout } from './mlpWgsl';
import { bgLayerFloats, bgLayers } from './backgroundInrWgsl';
import { demodCoefs, fcWeightGain, fullyConnected, param, type Params } from '../model/layers';
import { BG, MLP } from '../model/params';

export function packDecoder(cfg: ModelConfig, params: Params): tf.Tensor1D {
  return tf.tidy(() => {
    const layout = decoderLayout(cfg);
    const dense = (i: number) => {
      const w = param(params, `${MLP}.${i}.weight`) as tf.Tensor2D; // [out, in]
      return { w: tf.mul(w, fcWeightGain(w.shape[1]!)) as tf.Tensor2D, b: param(params, `${MLP}.${i}.bias`) };
    };
    const parts: tf.Tensor[] = [];
    layout.hidden.forEach((l, i) => {
      const G = Math.ceil(l.nout / 4);
      const { w, b } = dense(i);
      // [G·4, in] → per group, the four outputs' weights by input: [G, in, 4]
      const columns = tf.reshape(tf.transpose(tf.reshape(tf.pad(w, [[0, 4 * G - l.nout], [0, 0]]), [G, 4, l.nin]), [0, 2, 1]), [G, -1]);
      const group = [tf.reshape(tf.pad(tf.reshape(b, [-1]), [[0, 4 * G - l.nout]]), [G, 4]), columns];
      if (l.fused) {
        const out = dense(i + 1).w; // [4, nout]
        group.push(tf.reshape(tf.transpose(tf.pad(out, [[0, 0], [0, 4 * G - l.nout]])), [G, 4 * DECODER_OUT]));
      }
      parts.push(tf.reshape(tf.concat(group, 1), [-1]));
    });
    parts.push(tf.reshape(dense(layout.hidden.length).b, [-1]));
    const packed = tf.concat(parts) as tf.Tensor1D;
    if (packed.size !== layout.vec4s * 4) throw new Error(`packed decoder has ${packed.size} floats, its layout ${layout.vec4s * 4}`);
    return packed;
  });
}

/** ws: [1, numWs, wDim] → the background INR's effective weights for that latent. */
export function packBackground(cfg: ModelConfig, params: Params, ws: tf.Tensor3D): tf.Tensor1D {
  return tf.tidy(() => {
    if (!cfg.background.enabled) return tf.zeros([4]) as tf.Tensor1D;
    const base = numWsTriplane(cfg);
    const wAt = (i: number) => tf.reshape(tf.slice(ws, [0, base + i, 0], [1, 1, cfg.wDim]), [1, cfg.wDim]) as tf.Tensor2D;
    const parts: tf.Tensor[] = [];
    // W [O, I] → [4·⌈I/4⌉, ⌈O/4⌉·4] (its transpose, zero-padded), then the bias zero-padded to whole vec4s.
    const push = (weight: tf.Tensor2D, bias: tf.Tensor) => {
      const [O, I] = weight.shape;
      const O4 = 4 * Math.ceil(O / 4);
      parts.push(tf.reshape(tf.pad(tf.transpose(weight), [[0, 4 * Math.ceil(I / 4) - I], [0, O4 - O]]), [-1]), tf.pad(tf.reshape(bias, [-1]), [[0, O4 - O]]));
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
    const packed = tf.concat(parts) as tf.Tensor1D;
    const floats = bgLayers(cfg).reduce((n, l) => n + bgLayerFloats(l.nin, l.nout), 0);
    if (packed.size !== floats) throw new Error(`packed background INR has ${packed.size} floats, its layout ${floats}`);
    return packed;
  });
}
