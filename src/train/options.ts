/**
 * The training recipe shared by the command line and the in-tab trainer: the official hyper-parameters with
 * the schedules (β anneal, σ noise) scaled to the run's length, and half the inference samples per ray.
 */
import type { ModelConfig } from '../model/config';
import type { TrainOptions } from './trainer';
import type { PatchFilter } from './patches';

export interface RunLength {
  batch: number;
  patch: number;
  gamma: number;
  /** Images the run is meant to see: the official 10,000 kimg β anneal is scaled to this. */
  totalImages: number;
  /** Patch resampling (default `point`, the official behaviour) and an optional fixed set of patch scales. */
  patchFilter?: PatchFilter;
  patchScales?: number[];
  maxSubrays?: number;
}

export function trainOptionsFor(cfg: ModelConfig, r: RunLength): TrainOptions {
  return {
    batch: r.batch,
    patch: r.patch,
    gamma: r.gamma,
    r1Interval: 16,
    lrG: 0.0025,
    lrD: 0.002,
    annealImages: r.totalImages,
    densityNoiseImages: r.totalImages / 2,
    emaImages: r.batch * 0.3125 * 1000,
    emaRampup: 0.05,
    mirror: true,
    cameraDropout: 0.5,
    coarse: Math.max(3, cfg.samples.coarse / 2),
    fine: cfg.samples.fine / 2,
    bgSteps: Math.max(2, cfg.background.steps / 2),
    patchFilter: r.patchFilter ?? 'point',
    ...(r.patchScales ? { patchScales: [...r.patchScales] } : {}),
    ...(r.maxSubrays ? { maxSubrays: r.maxSubrays } : {}),
  };
}
