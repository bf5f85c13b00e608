/**
 * Alias-free fake patches: with the `area` patch filter, a patch pixel whose footprint spans more than one
 * dataset pixel is rendered as the mean of k × k stratified sub-rays over its footprint (k = ⌈footprint⌉,
 * capped), the counterpart of the real patches' box prefilter (`extractPatchArea`). The sub-rays are one
 * ordinary patch render at k·r (a slightly wider patch window, so that the k × k block of each pixel is
 * centred on it and tiles its footprint) followed by a k × k average pool: differentiable and cheap.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../model/config';
import type { Params } from '../model/layers';
import type { Camera, Patch } from '../render/camera';
import { renderReference, type ReferenceRenderOptions } from '../render/reference';
import { patchFootprint, type PatchFilter } from './patches';

/** Default cap on sub-rays per side (16 rays per pixel). */
export const MAX_SUBRAYS = 4;

/** Sub-rays per side for a patch of `scale` cut from R² images at r²: 1 where the footprint is ≤ 1 pixel. */
export function subrayFactor(scale: number, res: number, r: number, kMax = MAX_SUBRAYS): number {
  const f = patchFootprint(scale, res, r);
  return Math.max(1, Math.min(kMax, Math.ceil(f - 1e-9)));
}

/**
 * The patch window whose k·r × k·r ray grid puts k × k stratified sub-rays, centred, in each pixel of `p`'s
 * r × r grid: sub-ray j of pixel i sits at i + ((j + ½)/k − ½) in pixel units (NDC spacing 2s/(r − 1)).
 */
export function subrayPatch(p: Patch, r: number, k: number): Patch {
  if (k === 1 || r === 1) return p;
  const shift = (p.scale * (k - 1)) / (2 * k * (r - 1));
  return { scale: (p.scale * (k * r - 1)) / (k * (r - 1)), offsetX: p.offsetX - shift, offsetY: p.offsetY - shift };
}

/** [N, k·r, k·r, C] → [N, r, r, C], the mean of each k × k block. */
export function poolSubrays(x: tf.Tensor4D, k: number): tf.Tensor4D {
  if (k === 1) return x;
  const [n, h, w, c] = x.shape;
  return tf.mean(tf.reshape(x, [n, h / k, k, w / k, k, c]), [2, 4]) as tf.Tensor4D;
}

/**
 * Renders one r × r patch per batch item (RGB only). `point`: one ray per pixel (the official trainer).
 * `area`: items are grouped by their sub-ray factor k, each group rendered at k·r through `subrayPatch` and
 * pooled, and the groups put back in batch order.
 */
export function renderPatches(
  cfg: ModelConfig,
  params: Params,
  planes: tf.Tensor4D,
  ws: tf.Tensor3D,
  cameras: Camera[],
  patches: Patch[],
  opts: Omit<ReferenceRenderOptions, 'patches' | 'resolution'> & { resolution: number; filter?: PatchFilter; datasetResolution: number; maxSubrays?: number },
): tf.Tensor4D {
  const r = opts.resolution;
  const single = (pl: tf.Tensor4D, w: tf.Tensor3D, cams: Camera[], ps: Patch[], k: number, seed: number) => {
    const out = renderReference(cfg, params, pl, w, cams, { ...opts, seed, resolution: k * r, patches: ps.map((p) => subrayPatch(p, r, k)) });
    tf.dispose([out.depth, out.opacity]);
    const pooled = poolSubrays(out.rgb, k);
    if (pooled !== out.rgb) out.rgb.dispose();
    return pooled;
  };
  const ks = patches.map((p) => (opts.filter === 'area' ? subrayFactor(p.scale, opts.datasetResolution, r, opts.maxSubrays) : 1));
  const distinct = [...new Set(ks)].sort((a, b) => a - b);
  const seed = opts.seed ?? 0;
  if (distinct.length === 1) return single(planes, ws, cameras, patches, distinct[0], seed);
  return tf.tidy(() => {
    const parts: tf.Tensor4D[] = [];
    const order: number[] = [];
    distinct.forEach((k, gi) => {
      const idx = ks.flatMap((v, i) => (v === k ? [i] : []));
      const sel = tf.tensor1d(idx, 'int32');
      parts.push(single(tf.gather(planes, sel), tf.gather(ws, sel), idx.map((i) => cameras[i]), idx.map((i) => patches[i]), k, (seed + gi * 0x9e3779b9) >>> 0));
      order.push(...idx);
    });
    const inverse = new Int32Array(order.length);
    order.forEach((item, pos) => (inverse[item] = pos));
    return tf.gather(tf.concat(parts, 0), tf.tensor1d(inverse, 'int32')) as tf.Tensor4D;
  });
}
