/**
 * The reference volume renderer in tfjs: differentiable (the trainer renders fake patches with it) and the
 * test oracle of the WGSL renderer. Per ray: coarse samples (stratified jitter unless deterministic) →
 * tri-plane + decoder → weights → importance samples from the coarse weights → coarse + fine merged and
 * sorted → alpha compositing → background INR integrated over its inverse-sphere steps, composited behind
 * the foreground with the foreground's final transmittance.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../model/config';
import type { Params } from '../model/layers';
import { MT19937 } from '../model/prng';
import { queryTriplane } from '../model/triplane';
import { backgroundInr } from '../model/background';
import { inverseSpherePoints, linspace, rayDirections, type Camera, type Patch } from './camera';
import { detach, integrate, perturbDepths, samplePdf, sortSamples } from './volume';

export interface ReferenceRenderOptions {
  /** Output side in pixels (square images/patches). */
  resolution: number;
  /** One patch per batch item (patch-wise training); full images when absent. */
  patches?: Patch[];
  /** Samples per ray; default: the config's inference counts. */
  coarse?: number;
  fine?: number;
  bgSteps?: number;
  /** No jitter of coarse depths and u = linspace(0, 1, K) for the fine ones (tests, stable previews). */
  deterministic?: boolean;
  /** Seed of the jitter / importance uniforms when not deterministic. */
  seed?: number;
  /** Exact sample depths to use instead ([N·H·W·coarse] and [N·H·W·fine], ray-major): reproduces a given render. */
  inject?: { coarseZ: Float32Array; fineZ: Float32Array };
  /** Foreground only (background INR skipped), or background only. */
  ignoreBg?: boolean;
  bgOnly?: boolean;
  /** Defaults to the config's camera.whiteBack. */
  whiteBack?: boolean;
  /** Training-time σ noise. */
  densityNoiseStd?: number;
  /** Rays per chunk, bounds memory. */
  chunkRays?: number;
}

export interface RenderOutput {
  /** [N, H, W, 3], raw image space ≈ [−1, 1] (display: clamp(x, −1, 1)·0.5 + 0.5). */
  rgb: tf.Tensor4D;
  /** [N, H, W, 1], Σ w·z of the foreground. */
  depth: tf.Tensor4D;
  /** [N, H, W, 1], Σ w of the foreground. */
  opacity: tf.Tensor4D;
}

interface ChunkInputs {
  origin: [number, number, number];
  dirs: Float32Array; // [R·3]
  coarseZ: Float32Array; // [R·S]
  fineU: Float32Array | null; // [R·K]
  fineZ: Float32Array | null; // [R·K], injected
}

export function renderReference(
  cfg: ModelConfig,
  params: Params,
  planes: tf.Tensor4D,
  ws: tf.Tensor3D,
  cameras: Camera[],
  opts: ReferenceRenderOptions,
): RenderOutput {
  const n = planes.shape[0];
  if (cameras.length !== n) throw new Error(`need one camera per batch item (${n}), got ${cameras.length}`);
  if (opts.patches && opts.patches.length !== n) throw new Error(`need one patch per batch item (${n}), got ${opts.patches.length}`);
  const res = opts.resolution;
  const S = opts.coarse ?? cfg.samples.coarse;
  const K = opts.fine ?? cfg.samples.fine;
  const Sb = opts.bgSteps ?? cfg.background.steps;
  const hw = res * res;
  const chunk = Math.max(1, opts.chunkRays ?? 4096);
  const rng = new MT19937((opts.seed ?? 0) >>> 0);
  const det = !!opts.deterministic;
  const baseZ = linspace(cfg.camera.near, cfg.camera.far, S);
  const useBg = cfg.background.enabled && !opts.ignoreBg;
  if (opts.bgOnly && !cfg.background.enabled) throw new Error('bgOnly needs a model with a background INR');
  const disparities = linspace(cfg.background.start, 0, Sb);

  const perItem: { rgb: tf.Tensor; depth: tf.Tensor; opacity: tf.Tensor }[] = [];
  for (let b = 0; b < n; b++) {
    const cam = cameras[b];
    const dirsAll = rayDirections(cam, res, res, opts.patches?.[b]);
    const planesB = tf.slice(planes, [b, 0, 0, 0], [1, -1, -1, -1]);
    const wsB = tf.slice(ws, [b, 0, 0], [1, -1, -1]);
    const chunks: { rgb: tf.Tensor; depth: tf.Tensor; opacity: tf.Tensor }[] = [];
    for (let start = 0; start < hw; start += chunk) {
      const r = Math.min(chunk, hw - start);
      const coarseZ = new Float32Array(r * S);
      if (opts.inject) coarseZ.set(opts.inject.coarseZ.subarray((b * hw + start) * S, (b * hw + start + r) * S));
      else for (let i = 0; i < r; i++) coarseZ.set(baseZ, i * S);
      let fineU: Float32Array | null = null;
      let fineZ: Float32Array | null = null;
      if (K > 0) {
        if (opts.inject) fineZ = opts.inject.fineZ.slice((b * hw + start) * K, (b * hw + start + r) * K);
        else if (det) {
          fineU = new Float32Array(r * K);
          const u = linspace(0, 1, K);
          for (let i = 0; i < r; i++) fineU.set(u, i * K);
        } else fineU = rng.rand(r * K);
      }
      const jitter = !opts.inject && !det ? rng.rand(r * S) : null;
      const inputs: ChunkInputs = { origin: cam.origin, dirs: dirsAll.subarray(start * 3, (start + r) * 3), coarseZ, fineU, fineZ };
      chunks.push(
        tf.tidy(() => renderChunk(cfg, params, planesB, wsB, inputs, r, S, K, Sb, jitter, disparities, useBg, opts)),
      );
    }
    const cat = (k: 'rgb' | 'depth' | 'opacity', c: number) => tf.reshape(tf.concat(chunks.map((x) => x[k]), 0), [1, res, res, c]);
    perItem.push({ rgb: cat('rgb', 3), depth: cat('depth', 1), opacity: cat('opacity', 1) });
    for (const c of chunks) tf.dispose([c.rgb, c.depth, c.opacity]);
    tf.dispose([planesB, wsB]);
  }
  const out: RenderOutput = {
    rgb: tf.concat(perItem.map((p) => p.rgb), 0) as tf.Tensor4D,
    depth: tf.concat(perItem.map((p) => p.depth), 0) as tf.Tensor4D,
    opacity: tf.concat(perItem.map((p) => p.opacity), 0) as tf.Tensor4D,
  };
  for (const p of perItem) tf.dispose([p.rgb, p.depth, p.opacity]);
  return out;
}

function pointsAlong(origin: tf.Tensor, dirs: tf.Tensor2D, z: tf.Tensor2D): tf.Tensor3D {
  const [r, s] = z.shape;
  const pts = tf.add(tf.reshape(origin, [1, 1, 3]), tf.mul(tf.expandDims(dirs, 1), tf.expandDims(z, 2))); // [R, S, 3]
  return tf.reshape(pts, [1, r * s, 3]) as tf.Tensor3D;
}

function renderChunk(
  cfg: ModelConfig,
  params: Params,
  planes: tf.Tensor4D,
  ws: tf.Tensor3D,
  inp: ChunkInputs,
  r: number,
  S: number,
  K: number,
  Sb: number,
  jitter: Float32Array | null,
  disparities: Float32Array,
  useBg: boolean,
  opts: ReferenceRenderOptions,
): { rgb: tf.Tensor; depth: tf.Tensor; opacity: tf.Tensor } {
  const origin = tf.tensor1d(inp.origin);
  const dirs = tf.tensor2d(inp.dirs, [r, 3]);
  let zc = tf.tensor2d(inp.coarseZ, [r, S]);
  if (jitter) zc = perturbDepths(zc, tf.tensor2d(jitter, [r, S]));
  const lastDelta = cfg.background.enabled ? 1e-3 : 1e10;
  const common = { densityShift: cfg.densityShift, noiseStd: opts.densityNoiseStd ?? 0, noiseSeed: opts.seed };
  const coarseOut = tf.reshape(queryTriplane(cfg, params, planes, pointsAlong(origin, dirs, zc)), [r, S, 4]) as tf.Tensor3D;

  let allZ = zc;
  let allOut = coarseOut;
  if (K > 0) {
    let zf: tf.Tensor2D;
    if (inp.fineZ) zf = tf.tensor2d(inp.fineZ, [r, K]);
    else {
      const w = tf.add(integrate(coarseOut, zc, { lastDelta, whiteBack: false, ...common }).weights, 1e-5) as tf.Tensor2D;
      const mids = tf.mul(tf.add(tf.slice(zc, [0, 1], [r, S - 1]), tf.slice(zc, [0, 0], [r, S - 1])), 0.5) as tf.Tensor2D;
      const wInner = tf.slice(w, [0, 1], [r, S - 2]) as tf.Tensor2D;
      zf = samplePdf(mids, detach(wInner), tf.tensor2d(inp.fineU!, [r, K]));
    }
    const fineOut = tf.reshape(queryTriplane(cfg, params, planes, pointsAlong(origin, dirs, zf)), [r, K, 4]) as tf.Tensor3D;
    const sorted = sortSamples(tf.concat([zf, zc], 1) as tf.Tensor2D, tf.concat([fineOut, coarseOut], 1) as tf.Tensor3D);
    allZ = sorted.z;
    allOut = sorted.out;
  }
  const whiteBack = opts.whiteBack ?? cfg.camera.whiteBack;
  const fg = integrate(allOut, allZ, { lastDelta, whiteBack, ...common });
  let rgb: tf.Tensor = fg.rgb;
  if (useBg || opts.bgOnly) {
    const pts = inverseSpherePoints(inp.origin, inp.dirs, disparities);
    const bgRaw = tf.reshape(backgroundInr(cfg, params, ws, tf.tensor3d(pts, [1, r * Sb, 4])), [r, Sb, 4]) as tf.Tensor3D;
    const negDisp = tf.tile(tf.reshape(tf.neg(tf.tensor1d(disparities)), [1, Sb]), [r, 1]) as tf.Tensor2D;
    const bg = integrate(bgRaw, negDisp, { lastDelta: 1e10, whiteBack, densityShift: 0 });
    rgb = opts.bgOnly ? bg.rgb : tf.add(fg.rgb, tf.mul(bg.rgb, tf.expandDims(fg.finalT, 1)));
  }
  return { rgb, depth: fg.depth, opacity: fg.opacity };
}
