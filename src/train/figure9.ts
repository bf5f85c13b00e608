/**
 * The Figure 9 toy experiment (seed Appendix A): a generator trained patch-wise on two mostly-white images
 * whose four corners are all red or all blue. The metric: over generated samples, the correlation between the
 * corner colours (perfect in the data, absent if only the corners' marginals were learnt) and the fraction of
 * samples whose four corners match one of the two real images.
 */
import * as tf from '@tensorflow/tfjs-core';
import { preset, type ModelConfig } from '../model/config';
import type { Params } from '../model/layers';
import { mapping } from '../model/mapping';
import { synthesizePlanes } from '../model/synthesis';
import { randnTensor } from '../model/tensors';
import { cameraFromAngles } from '../render/camera';
import { toDisplayByte } from '../render/displayMap';
import { renderReference } from '../render/reference';
import { TOY_COLOURS } from '../data/toy';
import type { DConfig } from './discriminator';
import type { EpigrafDataset } from '../data/importDataset';
import { trainOptionsFor } from './options';
import { Trainer } from './trainer';
import type { PatchFilter } from './patches';

/** The experiment's toy: 32² images, 3-pixel corner marks 1 pixel in, which s = 1 point sampling at r = 8 misses. */
export const FIG9_TOY = { resolution: 32, markSize: 3, markOffset: 1 };
export const FIG9_PATCH = 8;
export const FIG9_SCALES = [1, 0.25];

/** A miniature generator (16² × 8 tri-planes) and discriminator that train in minutes on 2 CPU cores. */
export function fig9Model(): { cfg: ModelConfig; dcfg: DConfig } {
  const base = preset('tiny');
  const cfg: ModelConfig = {
    ...base,
    name: 'fig9-mini',
    zDim: 32,
    wDim: 32,
    triplane: { ...base.triplane, resolution: 16, channels: 8, channelBase: 256, channelMax: 16 },
    decoder: { hidden: [16] },
    background: { ...base.background, width: 8, steps: 4 },
    samples: { coarse: 8, fine: 8 },
  };
  const dcfg: DConfig = { resolution: FIG9_TOY.resolution, patch: FIG9_PATCH, channelBase: 128, channelMax: 16, mbstdGroup: 4, hyperEmbed: 4, hyperWidth: 16, cmapDim: 16, convClamp: 256 };
  return { cfg, dcfg };
}

/** The experiment's trainer for one patch filter (command line and tab alike): the schedules span `steps`. */
export function fig9Trainer(data: EpigrafDataset, filter: PatchFilter, r: { batch: number; steps: number; seed: number }): Trainer {
  const { cfg, dcfg } = fig9Model();
  const opts = trainOptionsFor(cfg, { batch: r.batch, patch: FIG9_PATCH, gamma: 0.05, totalImages: r.steps * r.batch, patchFilter: filter, patchScales: FIG9_SCALES });
  return new Trainer(cfg, dcfg, opts, data, r.seed);
}

export interface CornerMetrics {
  samples: number;
  /**
   * Mean Pearson correlation, over the 6 corner pairs, of each corner's blue-minus-red contrast against the
   * rest of its image (so that a globally tinted image does not count as correlated corners); null: no variance.
   */
  correlation: number | null;
  /** Mean |contrast| of the corners (blue-minus-red against the rest, [0, 1] units): the size of what is correlated. */
  meanAbsContrast: number;
  /** Samples that are mostly white (rest of the image within `WHITE_TOLERANCE` of white) with 4 red or 4 blue corners. */
  matchFraction: number;
  /** Samples whose rest is mostly white. */
  whiteFraction: number;
  /** Mostly-white samples with at least one coloured corner, and with both red and blue corners. */
  colouredFraction: number;
  mixedFraction: number;
}

/** Mean RGB distance ([0, 1] units) of the non-corner pixels to white below which an image counts as mostly white. */
export const WHITE_TOLERANCE = 0.2;

/** Corner metrics of images [N, R, R, 3] in raw image space ([−1, 1]). */
export function cornerMetrics(images: Float32Array, res: number, toy: { markSize: number; markOffset: number }): CornerMetrics {
  const n = images.length / (res * res * 3);
  const { markSize: m, markOffset: o } = toy;
  const origins = [[o, o], [res - o - m, o], [o, res - o - m], [res - o - m, res - o - m]];
  const inMark = (x: number, y: number) => origins.some(([cx, cy]) => x >= cx && x < cx + m && y >= cy && y < cy + m);
  const palette = [[255, 255, 255], ...TOY_COLOURS].map((c) => c.map((v) => v / 255));
  const score: number[][] = [[], [], [], []];
  let match = 0;
  let white = 0;
  let coloured = 0;
  let mixed = 0;
  for (let i = 0; i < n; i++) {
    const px = (x: number, y: number, k: number) => Math.min(1, Math.max(-1, images[3 * ((i * res + y) * res + x) + k])) * 0.5 + 0.5;
    let restBR = 0;
    let restDist = 0;
    let restN = 0;
    for (let y = 0; y < res; y++)
      for (let x = 0; x < res; x++)
        if (!inMark(x, y)) {
          restBR += px(x, y, 2) - px(x, y, 0);
          restDist += Math.hypot(1 - px(x, y, 0), 1 - px(x, y, 1), 1 - px(x, y, 2));
          restN++;
        }
    const mostlyWhite = restDist / restN <= WHITE_TOLERANCE;
    const classes = origins.map(([cx, cy], c) => {
      const mean = [0, 0, 0];
      for (let y = cy; y < cy + m; y++) for (let x = cx; x < cx + m; x++) for (let k = 0; k < 3; k++) mean[k] += px(x, y, k) / (m * m);
      score[c].push(mean[2] - mean[0] - restBR / restN);
      const d = palette.map((p) => Math.hypot(p[0] - mean[0], p[1] - mean[1], p[2] - mean[2]));
      return d.indexOf(Math.min(...d)); // 0 white, 1 red, 2 blue
    });
    if (!mostlyWhite) continue;
    white++;
    if (classes.every((c) => c === 1) || classes.every((c) => c === 2)) match++;
    if (classes.some((c) => c > 0)) coloured++;
    if (classes.includes(1) && classes.includes(2)) mixed++;
  }
  const pearson = (a: number[], b: number[]) => {
    const ma = a.reduce((s, v) => s + v, 0) / a.length;
    const mb = b.reduce((s, v) => s + v, 0) / b.length;
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    for (let i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) ** 2;
      sbb += (b[i] - mb) ** 2;
    }
    return saa > 1e-12 && sbb > 1e-12 ? sab / Math.sqrt(saa * sbb) : null;
  };
  const pairs: number[] = [];
  for (let a = 0; a < 4; a++)
    for (let b = a + 1; b < 4; b++) {
      const r = pearson(score[a], score[b]);
      if (r !== null) pairs.push(r);
    }
  return {
    samples: n,
    correlation: pairs.length === 6 ? pairs.reduce((s, v) => s + v, 0) / 6 : null,
    meanAbsContrast: score.flat().reduce((s, v) => s + Math.abs(v), 0) / (4 * n),
    matchFraction: match / n,
    whiteFraction: white / n,
    colouredFraction: coloured / n,
    mixedFraction: mixed / n,
  };
}

/** A dataset's images as RGB in [−1, 1], [N, R, R, 3] (what `cornerMetrics` and `sampleGrid` take). */
export function datasetImagesRgb(data: EpigrafDataset): Float32Array {
  const px = data.resolution ** 2;
  const out = new Float32Array(data.images.length * px * 3);
  data.images.forEach((im, i) => {
    for (let p = 0; p < px; p++) for (let k = 0; k < 3; k++) out[3 * (i * px + p) + k] = (im[4 * p + k] / 255) * 2 - 1;
  });
  return out;
}

/** N samples of G (random z, the fixed frontal camera, no truncation), full images [N, R, R, 3]. */
export async function fig9Samples(cfg: ModelConfig, G: Params, n: number, res: number, seed = 12345, batch = 32): Promise<Float32Array> {
  const out = new Float32Array(n * res * res * 3);
  const cam = cameraFromAngles(0, Math.PI / 2, cfg.camera.radius, cfg.camera.fovDeg);
  for (let i0 = 0; i0 < n; i0 += batch) {
    const b = Math.min(batch, n - i0);
    const rgb = tf.tidy(() => {
      const ws = mapping(cfg, G, randnTensor([b, cfg.zDim], seed + i0) as tf.Tensor2D, null);
      const planes = synthesizePlanes(cfg, G, ws);
      return renderReference(cfg, G, planes, ws, Array(b).fill(cam), { resolution: res, deterministic: true, chunkRays: 1 << 16 }).rgb;
    });
    out.set((await rgb.data()) as Float32Array, i0 * res * res * 3);
    rgb.dispose();
  }
  return out;
}

/** The first cols·rows images as one RGBA grid with 1-pixel white gaps, each image scaled up `zoom` times. */
export function sampleGrid(images: Float32Array, res: number, cols: number, rows: number, zoom = 2): { width: number; height: number; rgba: Uint8Array } {
  const s = res * zoom;
  const width = cols * (s + 1) - 1;
  const height = rows * (s + 1) - 1;
  const rgba = new Uint8Array(width * height * 4).fill(255);
  for (let i = 0; i < cols * rows && (i + 1) * res * res * 3 <= images.length; i++) {
    const ox = (i % cols) * (s + 1);
    const oy = Math.floor(i / cols) * (s + 1);
    for (let y = 0; y < s; y++)
      for (let x = 0; x < s; x++) {
        const src = 3 * ((i * res + Math.floor(y / zoom)) * res + Math.floor(x / zoom));
        const dst = 4 * ((oy + y) * width + ox + x);
        for (let k = 0; k < 3; k++) rgba[dst + k] = toDisplayByte(images[src + k]);
      }
  }
  return { width, height, rgba };
}
