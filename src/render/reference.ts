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
  /** Items (batch entries) in this chunk, each contributing r rays; per-ray origins. */
  items: number;
  origins: Float32Array; // [items·r·3]
  dirs: Float32Array; // [items·r·3]
  coarseZ: Float32Array; // [items·r·S]
  fineU: Float32Array | null; // [items·r·K]
  fineZ: Float32Array | null; // [items·r·K], injected
  jitter: Float32Array | null; // [items·r·S]
  bgPoints: Float32Array | null; // [items·r·Sb·4]
}

/** Bytes of the largest tensor one chunk may create: WebGPU's default maxStorageBufferBindingSize is 128 MiB. */
export const CHUNK_TENSOR_BYTES = 96 * 2 ** 20;
/**
 * Rows (sample points) one chunk may feed a layer. A training step with 1.57 M rows per layer failed on an H200
 * with a tfjs-webgpu kernel's dispatch over 65,535 workgroups in one dimension (which kernel was not traced);
 * 0.79 M rows (the tiny preset at 8 × 64²) ran there.
 */
export const CHUNK_ROWS = 1_000_000;

const needsBg = (cfg: ModelConfig, opts: Pick<ReferenceRenderOptions, 'ignoreBg' | 'bgOnly'>) => (cfg.background.enabled && !opts.ignoreBg) || !!opts.bgOnly;

/**
 * The most rays one chunk may hold so that its largest tensors (a layer's activations over all of its sample
 * points) stay within CHUNK_TENSOR_BYTES and CHUNK_ROWS: the small preset's batch of 8 patches of 64² in one
 * chunk exceeded both on WebGPU. `bgSteps` 0: no background pass.
 */
export function maxChunkRays(cfg: ModelConfig, coarse: number, fine: number, bgSteps: number): number {
  const fgWidth = Math.max(cfg.triplane.channels, ...cfg.decoder.hidden, 4);
  const samples = Math.max(coarse, fine);
  const rows = Math.max(samples, bgSteps, 1);
  const floatsPerRay = Math.max(samples * fgWidth, bgSteps * (bgSteps > 0 ? cfg.background.width : 0), 1);
  return Math.max(1, Math.min(Math.floor(CHUNK_TENSOR_BYTES / 4 / floatsPerRay), Math.floor(CHUNK_ROWS / rows)));
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
  const chunk = Math.max(1, Math.min(opts.chunkRays ?? 4096, maxChunkRays(cfg, S, K, needsBg(cfg, opts) ? Sb : 0)));
  const rng = new MT19937((opts.seed ?? 0) >>> 0);
  const det = !!opts.deterministic;
  const baseZ = linspace(cfg.camera.near, cfg.camera.far, S);
  const useBg = cfg.background.enabled && !opts.ignoreBg;
  if (opts.bgOnly && !cfg.background.enabled) throw new Error('bgOnly needs a model with a background INR');
  const disparities = linspace(cfg.background.start, 0, Sb);
  const needBg = needsBg(cfg, opts);

  // Whole images of several items go through the networks together when they fit in a chunk (fewer, larger
  // kernels: training renders a batch of small patches); larger images are split into chunks of one item.
  const group = hw <= chunk ? Math.max(1, Math.floor(chunk / hw)) : 1;
  const perItem = hw <= chunk ? hw : chunk;
  const parts: { rgb: tf.Tensor; depth: tf.Tensor; opacity: tf.Tensor }[] = [];
  for (let b0 = 0; b0 < n; b0 += group) {
    const g = Math.min(group, n - b0);
    const planesG = tf.slice(planes, [b0, 0, 0, 0], [g, -1, -1, -1]);
    const wsG = tf.slice(ws, [b0, 0, 0], [g, -1, -1]);
    const dirsAll = Array.from({ length: g }, (_, i) => rayDirections(cameras[b0 + i], res, res, opts.patches?.[b0 + i]));
    for (let start = 0; start < hw; start += perItem) {
      const r = Math.min(perItem, hw - start);
      const rays = g * r;
      const inp: ChunkInputs = {
        items: g,
        origins: new Float32Array(rays * 3),
        dirs: new Float32Array(rays * 3),
        coarseZ: new Float32Array(rays * S),
        fineU: K > 0 && !opts.inject ? new Float32Array(rays * K) : null,
        fineZ: K > 0 && opts.inject ? new Float32Array(rays * K) : null,
        jitter: !opts.inject && !det ? new Float32Array(rays * S) : null,
        bgPoints: needBg ? new Float32Array(rays * Sb * 4) : null,
      };
      for (let i = 0; i < g; i++) {
        const b = b0 + i;
        const first = b * hw + start; // this item's first ray, counted over the whole batch
        const dirs = dirsAll[i].subarray(start * 3, (start + r) * 3);
        inp.dirs.set(dirs, i * r * 3);
        for (let k = 0; k < r; k++) inp.origins.set(cameras[b].origin, (i * r + k) * 3);
        if (opts.inject) inp.coarseZ.set(opts.inject.coarseZ.subarray(first * S, (first + r) * S), i * r * S);
        else for (let k = 0; k < r; k++) inp.coarseZ.set(baseZ, (i * r + k) * S);
        // Random draws in the per-item order of a one-item chunk: the same stream whatever the grouping.
        if (inp.fineZ) inp.fineZ.set(opts.inject!.fineZ.subarray(first * K, (first + r) * K), i * r * K);
        else if (inp.fineU) {
          if (det) {
            const u = linspace(0, 1, K);
            for (let k = 0; k < r; k++) inp.fineU.set(u, (i * r + k) * K);
          } else inp.fineU.set(rng.rand(r * K), i * r * K);
        }
        if (inp.jitter) inp.jitter.set(rng.rand(r * S), i * r * S);
        if (inp.bgPoints) inp.bgPoints.set(inverseSpherePoints(cameras[b].origin, dirs, disparities), i * r * Sb * 4);
      }
      parts.push(tf.tidy(() => renderChunk(cfg, params, planesG, wsG, inp, r, S, K, Sb, disparities, opts)));
    }
    tf.dispose([planesG, wsG]);
  }
  // Parts are item-major and, within an item, in ray order: concatenating them gives [N·H·W].
  const cat = (k: 'rgb' | 'depth' | 'opacity', c: number) => tf.reshape(tf.concat(parts.map((x) => x[k]), 0), [n, res, res, c]) as tf.Tensor4D;
  const out: RenderOutput = { rgb: cat('rgb', 3), depth: cat('depth', 1), opacity: cat('opacity', 1) };
  for (const p of parts) tf.dispose([p.rgb, p.depth, p.opacity]);
  return out;
}

/** Points o + z·d of every sample: origins and dirs [R, 3], z [R, S] → [items, R·S / items, 3]. */
function pointsAlong(origins: tf.Tensor2D, dirs: tf.Tensor2D, z: tf.Tensor2D, items: number): tf.Tensor3D {
  const [r, s] = z.shape;
  const pts = tf.add(tf.expandDims(origins, 1), tf.mul(tf.expandDims(dirs, 1), tf.expandDims(z, 2))); // [R, S, 3]
  return tf.reshape(pts, [items, (r * s) / items, 3]) as tf.Tensor3D;
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
  disparities: Float32Array,
  opts: ReferenceRenderOptions,
): { rgb: tf.Tensor; depth: tf.Tensor; opacity: tf.Tensor } {
  const g = inp.items;
  const rays = g * r;
  const origins = tf.tensor2d(inp.origins, [rays, 3]);
  const dirs = tf.tensor2d(inp.dirs, [rays, 3]);
  let zc = tf.tensor2d(inp.coarseZ, [rays, S]);
  if (inp.jitter) zc = perturbDepths(zc, tf.tensor2d(inp.jitter, [rays, S]));
  const lastDelta = cfg.background.enabled ? 1e-3 : 1e10;
  const common = { densityShift: cfg.densityShift, noiseStd: opts.densityNoiseStd ?? 0, noiseSeed: opts.seed };
  const coarseOut = tf.reshape(queryTriplane(cfg, params, planes, pointsAlong(origins, dirs, zc, g)), [rays, S, 4]) as tf.Tensor3D;

  let allZ = zc;
  let allOut = coarseOut;
  if (K > 0) {
    let zf: tf.Tensor2D;
    if (inp.fineZ) zf = tf.tensor2d(inp.fineZ, [rays, K]);
    else {
      const w = tf.add(integrate(coarseOut, zc, { lastDelta, whiteBack: false, ...common }).weights, 1e-5) as tf.Tensor2D;
      const mids = tf.mul(tf.add(tf.slice(zc, [0, 1], [rays, S - 1]), tf.slice(zc, [0, 0], [rays, S - 1])), 0.5) as tf.Tensor2D;
      const wInner = tf.slice(w, [0, 1], [rays, S - 2]) as tf.Tensor2D;
      zf = samplePdf(mids, detach(wInner), tf.tensor2d(inp.fineU!, [rays, K]));
    }
    const fineOut = tf.reshape(queryTriplane(cfg, params, planes, pointsAlong(origins, dirs, zf, g)), [rays, K, 4]) as tf.Tensor3D;
    const sorted = sortSamples(tf.concat([zf, zc], 1) as tf.Tensor2D, tf.concat([fineOut, coarseOut], 1) as tf.Tensor3D);
    allZ = sorted.z;
    allOut = sorted.out;
  }
  const whiteBack = opts.whiteBack ?? cfg.camera.whiteBack;
  const fg = integrate(allOut, allZ, { lastDelta, whiteBack, ...common });
  let rgb: tf.Tensor = fg.rgb;
  if (inp.bgPoints) {
    const bgRaw = tf.reshape(backgroundInr(cfg, params, ws, tf.tensor3d(inp.bgPoints, [g, r * Sb, 4])), [rays, Sb, 4]) as tf.Tensor3D;
    const negDisp = tf.tile(tf.reshape(tf.neg(tf.tensor1d(disparities)), [1, Sb]), [rays, 1]) as tf.Tensor2D;
    const bg = integrate(bgRaw, negDisp, { lastDelta: 1e10, whiteBack, densityShift: 0 });
    rgb = opts.bgOnly ? bg.rgb : tf.add(fg.rgb, tf.mul(bg.rgb, tf.expandDims(fg.finalT, 1)));
  }
  return { rgb, depth: fg.depth, opacity: fg.opacity };
}
