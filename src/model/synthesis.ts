/**
 * Tri-plane synthesis: a StyleGAN2 generator with the skip architecture (const 4×4 input, modulated convs,
 * FIR upsampling, toRGB summed across resolutions) whose "image" is three stacked feature planes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { blockResolutions, numWsTriplane, planeChannels, type ModelConfig } from './config';
import { param, separableFir, synthesisLayer, toRgbLayer, type NoiseMode, type Params } from './layers';
import { SYNTH } from './params';

export interface SynthesisOptions {
  /** 'const' uses the stored noise buffers (fixed-noise mode); 'random' draws fresh noise; 'none' disables it. */
  noiseMode?: NoiseMode;
  /** Seed for noiseMode 'random'. */
  noiseSeed?: number;
}

/** ws: [N, numWs, wDim] (only the first numWsTriplane are read) → planes [N, R, R, 3·C] (NHWC). */
export function synthesizePlanes(cfg: ModelConfig, params: Params, ws: tf.Tensor3D, opts: SynthesisOptions = {}): tf.Tensor4D {
  const n = ws.shape[0];
  const noiseMode: NoiseMode = cfg.triplane.useNoise ? (opts.noiseMode ?? 'const') : 'none';
  const clamp = cfg.triplane.convClamp;
  const wAt = (i: number) => tf.reshape(tf.slice(ws, [0, i, 0], [n, 1, cfg.wDim]), [n, cfg.wDim]) as tf.Tensor2D;
  let x: tf.Tensor4D | null = null;
  let img: tf.Tensor4D | null = null;
  let wIdx = 0;
  let seed = opts.noiseSeed ?? 0;
  for (const res of blockResolutions(cfg)) {
    const b = `${SYNTH}.b${res}`;
    // One tidy per block: only x and the skip image survive, so memory stays at one block's worth.
    const [nx, nimg] = tf.tidy(() => {
      let torgbW: tf.Tensor2D;
      let y: tf.Tensor4D;
      if (res === 4) {
        const cst = param(params, `${b}.const`); // [C, 4, 4]
        y = tf.tile(tf.expandDims(tf.transpose(cst, [1, 2, 0]), 0), [n, 1, 1, 1]) as tf.Tensor4D;
        y = synthesisLayer(params, `${b}.conv1`, y, wAt(wIdx), { up: false, noiseMode, convClamp: clamp, seed: seed++ });
        torgbW = wAt(wIdx + 1);
      } else {
        y = synthesisLayer(params, `${b}.conv0`, x!, wAt(wIdx), { up: true, noiseMode, convClamp: clamp, seed: seed++ });
        y = synthesisLayer(params, `${b}.conv1`, y, wAt(wIdx + 1), { up: false, noiseMode, convClamp: clamp, seed: seed++ });
        torgbW = wAt(wIdx + 2);
      }
      const rgb = toRgbLayer(params, `${b}.torgb`, y, torgbW, clamp);
      return [y, img ? (tf.add(separableFir(img, 'up'), rgb) as tf.Tensor4D) : rgb];
    });
    wIdx += res === 4 ? 1 : 2;
    if (x) x.dispose();
    if (img) img.dispose();
    x = nx;
    img = nimg;
  }
  x!.dispose();
  if (wIdx + 1 !== numWsTriplane(cfg)) throw new Error('internal: ws bookkeeping does not match numWsTriplane');
  const r = cfg.triplane.resolution;
  if (img!.shape[1] !== r || img!.shape[3] !== planeChannels(cfg)) throw new Error('internal: unexpected plane shape');
  return img!;
}
