/**
 * The official recipe's training options scaled to a run of `totalImages` images, as the command line, the
 * benchmark and the tab trainer use them (epigraf-official.md §4–5).
 */
import type { ModelConfig } from '../model/config';
import type { TrainOptions } from './trainer';

export interface RecipeChoices {
  batch: number;
  patch: number;
  gamma: number;
  /** Length of the run in images: the β annealing (official 10,000 kimg) and σ-noise decay are scaled to it. */
  totalImages: number;
}

export function recipeOptions(cfg: ModelConfig, c: RecipeChoices): TrainOptions {
  return {
    batch: c.batch,
    patch: c.patch,
    gamma: c.gamma,
    r1Interval: 16,
    lrG: 0.0025,
    lrD: 0.002,
    annealImages: c.totalImages,
    densityNoiseImages: c.totalImages / 2,
    emaImages: c.batch * 0.3125 * 1000,
    emaRampup: 0.05,
    mirror: true,
    cameraDropout: 0.5,
    // Training renders with half the inference sample counts, as the official config does.
    coarse: Math.max(3, cfg.samples.coarse / 2),
    fine: cfg.samples.fine / 2,
    bgSteps: Math.max(2, cfg.background.steps / 2),
  };
}
