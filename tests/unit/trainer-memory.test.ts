/**
 * Training on tfjs-wasm (the command-line trainer's backend, with this project's wasm kernels) keeps memory
 * flat: live tensors, backend buffers and bytes do not grow over a few hundred steps (R1 included).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../helpers/backend';
import { preset, type ModelConfig } from '../../src/model/config';
import { toyDataset } from '../../src/data/inMemory';
import { Trainer, type TrainOptions } from '../../src/train/trainer';
import type { DConfig } from '../../src/train/discriminator';

const base = preset('tiny');
const cfg: ModelConfig = {
  ...base,
  zDim: 16,
  wDim: 16,
  triplane: { ...base.triplane, resolution: 8, channels: 4, channelBase: 64, channelMax: 8 },
  decoder: { hidden: [8] },
  background: { ...base.background, width: 8, steps: 4 },
  samples: { coarse: 4, fine: 4 },
};
const dcfg: DConfig = { resolution: 16, patch: 8, channelBase: 64, channelMax: 8, mbstdGroup: 4, hyperEmbed: 4, hyperWidth: 8, cmapDim: 8, convClamp: 256 };
const opts: TrainOptions = {
  batch: 4, patch: 8, gamma: 0.05, r1Interval: 4, lrG: 0.0025, lrD: 0.002, annealImages: 1000, densityNoiseImages: 1000,
  emaImages: 100, emaRampup: 0.05, mirror: true, cameraDropout: 0.5, coarse: 4, fine: 4, bgSteps: 4,
};

beforeAll(async () => {
  await useBackend('wasm');
});

describe('trainer memory on wasm', () => {
  it('stays flat over 240 steps', async () => {
    const trainer = new Trainer(cfg, dcfg, opts, toyDataset({ resolution: 16 }), 3);
    for (let i = 0; i < 8; i++) await trainer.trainStep(); // optimiser moments and caches allocated
    const before = tf.memory();
    let last = await trainer.trainStep();
    for (let i = 0; i < 231; i++) last = await trainer.trainStep();
    const after = tf.memory();
    expect(last.step).toBe(240);
    expect(Number.isFinite(last.dLoss) && Number.isFinite(last.gLoss)).toBe(true);
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    expect(after.numBytes).toBe(before.numBytes);
    trainer.dispose();
  }, 600_000);
});
