/**
 * EpiGRAF's patch discriminator in tfjs: a StyleGAN2 ResNet discriminator built for the dataset resolution R
 * whose first log2(R / r) blocks keep the patch resolution r (no down-sampling), with the patch hypernetwork —
 * (s, δx, δy) → Fourier features + learned embeddings → mapping MLP → p, and every block's second conv sees its
 * input scaled by 1 + tanh(A·p + b) — minibatch standard deviation, and an optional camera-conditioned
 * projection head. Parameters are equalised-lr like the generator's.
 */
import * as tf from '@tensorflow/tfjs-core';
import { biasLrelu, clampSym, fullyConnected, normalize2ndMoment, param, separableFir, type Params } from '../model/layers';
import { MT19937 } from '../model/prng';
import { numel } from '../model/params';
import { dropout } from '../model/tensors';

export interface DConfig {
  /** Dataset (nominal) resolution R and patch resolution r. */
  resolution: number;
  patch: number;
  channelBase: number;
  channelMax: number;
  mbstdGroup: number;
  /** Patch hypernetwork: learned embedding width per scalar (official 256) and mapping width (official 512). */
  hyperEmbed: number;
  hyperWidth: number;
  /** Camera (yaw, pitch) conditioning through a projection head of width cmapDim; 0 = off. */
  cmapDim: number;
  /** Conv output clamp (official 256). */
  convClamp: number;
}

const HYPER_SCALE = 1000;
const HYPER_FREQS = 10;
const CAM_FREQS = 6;

/**
 * The discriminator that goes with a generator preset, for dataset resolution R and patch r: the official
 * one (channel base 16384, max 512, embeddings 256, mapping 512, projection 512) or narrower ones sized
 * like the small generator presets.
 */
export function dConfigFor(preset: 'official' | 'small' | 'tiny', resolution: number, patch: number): DConfig {
  const sizes = {
    official: { channelBase: 16384, channelMax: 512, hyperEmbed: 256, hyperWidth: 512, cmapDim: 512 },
    small: { channelBase: 4096, channelMax: 128, hyperEmbed: 32, hyperWidth: 128, cmapDim: 128 },
    tiny: { channelBase: 1024, channelMax: 64, hyperEmbed: 16, hyperWidth: 64, cmapDim: 64 },
  }[preset];
  if (!(patch <= resolution && Number.isInteger(Math.log2(resolution / patch)))) throw new Error(`patch ${patch} must divide the resolution ${resolution} by a power of two`);
  return { resolution, patch, mbstdGroup: 4, convClamp: 256, ...sizes };
}

/** Nominal resolutions of the blocks (R … 8); the first `extra` of them run at the patch resolution. */
export function dBlocks(c: DConfig): { res: number; down: boolean; inC: number; outC: number }[] {
  const extra = Math.round(Math.log2(c.resolution / c.patch));
  const ch = (r: number) => Math.min(Math.floor(c.channelBase / r), c.channelMax);
  const out = [];
  for (let r = c.resolution, i = 0; r >= 8; r /= 2, i++) out.push({ res: r, down: i >= extra, inC: ch(r), outC: ch(r / 2) });
  return out;
}

export function hyperInputDim(c: DConfig): number {
  return 3 * (c.hyperEmbed + 2 * HYPER_FREQS);
}

interface Spec {
  name: string;
  shape: number[];
  init: 'randn' | 'zeros' | 'ones';
  scale?: number;
}

export function dParamSpecs(c: DConfig): Spec[] {
  const s: Spec[] = [];
  const conv = (name: string, inC: number, outC: number, k: number, bias = true) => {
    s.push({ name: `${name}.weight`, shape: [outC, inC, k, k], init: 'randn' });
    if (bias) s.push({ name: `${name}.bias`, shape: [outC], init: 'zeros' });
  };
  const fc = (name: string, inF: number, outF: number, lrMul = 1) => {
    s.push({ name: `${name}.weight`, shape: [outF, inF], init: 'randn', scale: 1 / lrMul });
    s.push({ name: `${name}.bias`, shape: [outF], init: 'zeros' });
  };
  const blocks = dBlocks(c);
  conv(`b${blocks[0].res}.fromrgb`, 3, blocks[0].inC, 1);
  for (const b of blocks) {
    conv(`b${b.res}.skip`, b.inC, b.outC, 1, false);
    conv(`b${b.res}.conv0`, b.inC, b.inC, 3);
    conv(`b${b.res}.conv1`, b.inC, b.outC, 3);
    fc(`b${b.res}.conv1.hyper`, c.hyperWidth, b.inC);
  }
  const c4 = Math.min(Math.floor(c.channelBase / 4), c.channelMax);
  conv('b4.conv', c4 + 1, c4, 3);
  fc('b4.fc', c4 * 16, c4);
  fc('b4.out', c4, c.cmapDim > 0 ? c.cmapDim : 1);
  s.push({ name: 'hyper.embed_table', shape: [HYPER_SCALE + 1, c.hyperEmbed], init: 'randn' });
  fc('hyper.embed', hyperInputDim(c), c.hyperWidth);
  fc('hyper.fc0', c.hyperWidth, c.hyperWidth, 0.01);
  fc('hyper.fc1', c.hyperWidth, c.hyperWidth, 0.01);
  if (c.cmapDim > 0) {
    fc('head.embed', 2 * 2 * CAM_FREQS + hyperInputDim(c), c.cmapDim);
    fc('head.fc0', c.cmapDim, c.cmapDim, 0.01);
    fc('head.fc1', c.cmapDim, c.cmapDim, 0.01);
  }
  return s;
}

export function initDParams(c: DConfig, seed: number): Record<string, tf.Variable> {
  const rng = new MT19937(seed);
  const out: Record<string, tf.Variable> = {};
  for (const sp of dParamSpecs(c)) {
    const n = numel(sp.shape);
    const a = new Float32Array(n);
    if (sp.init === 'randn') for (let i = 0; i < n; i++) a[i] = rng.gauss() * (sp.scale ?? 1);
    else if (sp.init === 'ones') a.fill(1);
    // Unnamed: tfjs variable names are global, and several discriminators may coexist (tests, restarts).
    out[sp.name] = tf.variable(tf.tensor(a, sp.shape), true);
  }
  return out;
}

/** Equalised-lr conv (weight·1/√(in·k²)), optional down-sampling with the FIR filter, bias, lrelu·√2·gain, clamp. */
function conv(p: Params, name: string, x: tf.Tensor4D, o: { down?: boolean; act?: boolean; gain?: number; clamp?: number }): tf.Tensor4D {
  const w = param(p, `${name}.weight`);
  const [outC, inC, k] = w.shape as number[];
  const f = tf.transpose(tf.mul(w, 1 / Math.sqrt(inC * k * k)), [2, 3, 1, 0]) as tf.Tensor4D;
  let y: tf.Tensor4D;
  if (o.down && k === 1) y = tf.conv2d(separableFir(x, 'down'), f, 1, 'valid');
  else if (o.down) y = tf.conv2d(separableFir(x, 'convDown'), f, 2, 'valid');
  else y = tf.conv2d(x, f, 1, k === 1 ? 'valid' : 'same');
  const gain = o.gain ?? 1;
  const b = p[`${name}.bias`];
  if (o.act) return biasLrelu(y, b ?? tf.zeros([outC]), Math.SQRT2 * gain, o.clamp === undefined ? null : o.clamp * gain) as tf.Tensor4D;
  let out: tf.Tensor = b ? tf.add(y, b) : y;
  if (gain !== 1) out = tf.mul(out, gain);
  if (o.clamp !== undefined) out = clampSym(out, o.clamp * gain);
  return out as tf.Tensor4D;
}

/** Fourier features (10 log-spaced frequencies, sin and cos) + learned embedding of round(1000·x), per scalar. */
function patchEmbedding(p: Params, c: DConfig, scalars: tf.Tensor2D): tf.Tensor2D {
  const n = scalars.shape[0];
  const x = tf.mul(scalars, HYPER_SCALE); // [N, 3]
  const coefs = tf.tensor1d(Array.from({ length: HYPER_FREQS }, (_, k) => (Math.PI * 2 ** k) / 1024));
  const raw = tf.mul(tf.expandDims(x, 2), coefs); // [N, 3, F]
  const idx = tf.cast(tf.clipByValue(tf.round(x), 0, HYPER_SCALE), 'int32');
  const emb = tf.reshape(tf.gather(param(p, 'hyper.embed_table'), tf.reshape(idx, [-1])), [n, 3, c.hyperEmbed]);
  return tf.reshape(tf.concat([tf.sin(raw), tf.cos(raw), emb], 2), [n, hyperInputDim(c)]) as tf.Tensor2D;
}

/** A 2-layer mapping MLP from a conditioning vector (official MappingNetwork with z_dim = 0). */
function condMapping(p: Params, prefix: string, c: tf.Tensor2D): tf.Tensor2D {
  let x = normalize2ndMoment(fullyConnected(p, `${prefix}.embed`, c));
  x = fullyConnected(p, `${prefix}.fc0`, x, 'lrelu', 0.01);
  return fullyConnected(p, `${prefix}.fc1`, x, 'lrelu', 0.01);
}

/** Official camera-angle normalisation sign(a)·(|a| mod 2π)/2π, then 6 Fourier frequencies (period 64). */
function cameraEmbedding(angles: tf.Tensor2D): tf.Tensor2D {
  const a = tf.div(tf.mul(tf.sign(angles), tf.mod(tf.abs(angles), 2 * Math.PI)), 2 * Math.PI);
  const coefs = tf.tensor1d(Array.from({ length: CAM_FREQS }, (_, k) => (Math.PI * 2 ** k) / 64));
  const raw = tf.mul(tf.expandDims(tf.mul(a, 64), 2), coefs);
  return tf.reshape(tf.concat([tf.sin(raw), tf.cos(raw)], 2), [angles.shape[0], 2 * 2 * CAM_FREQS]) as tf.Tensor2D;
}

function minibatchStd(x: tf.Tensor4D, group: number): tf.Tensor4D {
  const [n, h, w, ch] = x.shape;
  const g = Math.min(group, n);
  if (n % g !== 0) throw new Error(`batch ${n} is not a multiple of the minibatch-std group ${g}`);
  const y = tf.reshape(x, [g, n / g, h, w, ch]);
  const centred = tf.sub(y, tf.mean(y, 0));
  const std = tf.sqrt(tf.add(tf.mean(tf.square(centred), 0), 1e-8)); // [n/g, h, w, ch]
  const s = tf.mean(std, [1, 2, 3]); // [n/g]
  // Broadcast instead of tile: tfjs has no gradient for rank-5 tile.
  const tiled = tf.add(tf.zeros([g, n / g, h, w, 1]), tf.reshape(s, [1, n / g, 1, 1, 1]));
  return tf.concat([x, tf.reshape(tiled, [n, h, w, 1])], 3) as tf.Tensor4D;
}

export interface DInputs {
  /** Patches, NHWC [N, r, r, 3] in [−1, 1]. */
  images: tf.Tensor4D;
  /** (scale, offsetX, offsetY) per sample [N, 3]. */
  patch: tf.Tensor2D;
  /** (yaw, pitch) per sample [N, 2]; used when cmapDim > 0. */
  angles?: tf.Tensor2D;
  /** Drop the camera embedding (training-time dropout) with this probability. */
  cameraDropout?: number;
  dropoutSeed?: number;
}

/** Logits [N]. */
export function discriminate(c: DConfig, p: Params, inp: DInputs): tf.Tensor1D {
  return tf.tidy(() => {
    const pe = patchEmbedding(p, c, inp.patch);
    const hyper = condMapping(p, 'hyper', pe);
    const blocks = dBlocks(c);
    let x = conv(p, `b${blocks[0].res}.fromrgb`, inp.images, { act: true, clamp: c.convClamp });
    for (const b of blocks) {
      const name = `b${b.res}`;
      const y = conv(p, `${name}.skip`, x, { down: b.down, gain: Math.SQRT1_2 });
      let h = conv(p, `${name}.conv0`, x, { act: true, clamp: c.convClamp });
      const sigma = tf.add(1, tf.tanh(fullyConnected(p, `${name}.conv1.hyper`, hyper)));
      h = tf.mul(h, tf.reshape(sigma, [sigma.shape[0], 1, 1, b.inC])) as tf.Tensor4D;
      h = conv(p, `${name}.conv1`, h, { down: b.down, act: true, gain: Math.SQRT1_2, clamp: c.convClamp });
      x = tf.add(y, h) as tf.Tensor4D;
    }
    x = minibatchStd(x, c.mbstdGroup);
    x = conv(p, 'b4.conv', x, { act: true, clamp: c.convClamp });
    const n = x.shape[0];
    let v = fullyConnected(p, 'b4.fc', tf.reshape(x, [n, -1]) as tf.Tensor2D, 'lrelu');
    v = fullyConnected(p, 'b4.out', v);
    if (c.cmapDim === 0) return tf.reshape(v, [n]) as tf.Tensor1D;
    if (!inp.angles) throw new Error('this discriminator is camera-conditioned: pass angles');
    let cam = cameraEmbedding(inp.angles);
    if (inp.cameraDropout) cam = dropout(cam, inp.cameraDropout, inp.dropoutSeed ?? 0) as tf.Tensor2D;
    const cmap = condMapping(p, 'head', tf.concat([cam, pe], 1) as tf.Tensor2D);
    return tf.div(tf.sum(tf.mul(v, cmap), 1), Math.sqrt(c.cmapDim)) as tf.Tensor1D;
  });
}

