/** The miniature generator, discriminator and options the Node training tests share (a step in well under a second). */
import { preset, type ModelConfig } from '../../src/model/config';
import type { TrainOptions } from '../../src/train/trainer';
import type { DConfig } from '../../src/train/discriminator';

const base = preset('tiny');

export const MINI_CFG: ModelConfig = {
  ...base,
  zDim: 16,
  wDim: 16,
  triplane: { ...base.triplane, resolution: 8, channels: 4, channelBase: 64, channelMax: 8 },
  decoder: { hidden: [8] },
  background: { ...base.background, width: 8, steps: 4 },
  samples: { coarse: 4, fine: 4 },
};

export const MINI_DCFG: DConfig = { resolution: 16, patch: 8, channelBase: 64, channelMax: 8, mbstdGroup: 4, hyperEmbed: 4, hyperWidth: 8, cmapDim: 8, convClamp: 256 };

export const MINI_OPTS: TrainOptions = {
  batch: 4, patch: 8, gamma: 0.05, r1Interval: 2, lrG: 0.0025, lrD: 0.002, annealImages: 1000, densityNoiseImages: 1000,
  emaImages: 100, emaRampup: 0.05, mirror: true, cameraDropout: 0.5, coarse: 4, fine: 4, bgSteps: 4,
};
