/**
 * The training panel's preview: G_ema for a few fixed latents (rows) seen from a few fixed dataset cameras
 * (columns), rendered by the reference renderer without jitter, so that consecutive grids differ only
 * because the generator changed.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../model/config';
import type { Params } from '../model/layers';
import { mapping } from '../model/mapping';
import { zFromSeed } from '../model/prng';
import { synthesizePlanes } from '../model/synthesis';
import { cameraFromAngles, type Camera } from '../render/camera';
import { toDisplayByte } from '../render/displayMap';
import { renderReference } from '../render/reference';
import type { EpigrafDataset } from '../data/importDataset';

export interface PreviewLayout {
  seeds: number[];
  cameras: Camera[];
  size: number;
}

const GAP = 2;

/** Cameras at evenly spaced dataset images: poses the generator is trained to produce. */
export function previewLayout(cfg: ModelConfig, data: EpigrafDataset, o: { seeds?: number[]; views?: number; size?: number } = {}): PreviewLayout {
  const n = data.names.length;
  const views = o.views ?? 3;
  const cameras = Array.from({ length: views }, (_, i) => {
    const k = Math.floor((i * n) / views);
    return cameraFromAngles(data.cameraAngles[3 * k], data.cameraAngles[3 * k + 1], cfg.camera.radius, cfg.camera.fovDeg);
  });
  return { seeds: o.seeds ?? [0, 1], cameras, size: o.size ?? 32 };
}

/** The grid as RGBA (rows = latents, columns = cameras, white gaps). */
export async function renderPreview(cfg: ModelConfig, G: Params, l: PreviewLayout): Promise<{ width: number; height: number; rgba: Uint8ClampedArray }> {
  const rows = l.seeds.length;
  const cols = l.cameras.length;
  const out = tf.tidy(() => {
    const z = tf.tensor2d(Float32Array.from(l.seeds.flatMap((s) => Array.from(zFromSeed(s, cfg.zDim)))), [rows, cfg.zDim]);
    const ws = mapping(cfg, G, z, null);
    const planes = synthesizePlanes(cfg, G, ws);
    const idx = tf.tensor1d(Array.from({ length: rows * cols }, (_, i) => Math.floor(i / cols)), 'int32');
    const cams = Array.from({ length: rows * cols }, (_, i) => l.cameras[i % cols]);
    const r = renderReference(cfg, G, tf.gather(planes, idx) as tf.Tensor4D, tf.gather(ws, idx) as tf.Tensor3D, cams, { resolution: l.size, deterministic: true, chunkRays: 1 << 14 });
    return r.rgb;
  });
  const rgb = (await out.data()) as Float32Array;
  out.dispose();
  const s = l.size;
  const width = cols * s + (cols - 1) * GAP;
  const height = rows * s + (rows - 1) * GAP;
  const rgba = new Uint8ClampedArray(width * height * 4).fill(255);
  for (let i = 0; i < rows * cols; i++) {
    const ox = (i % cols) * (s + GAP);
    const oy = Math.floor(i / cols) * (s + GAP);
    for (let y = 0; y < s; y++)
      for (let x = 0; x < s; x++) {
        const src = 3 * ((i * s + y) * s + x);
        const dst = 4 * ((oy + y) * width + ox + x);
        for (let k = 0; k < 3; k++) rgba[dst + k] = toDisplayByte(rgb[src + k]);
      }
  }
  return { width, height, rgba };
}
