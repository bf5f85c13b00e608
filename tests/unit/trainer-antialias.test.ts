/** Training steps with the `area` patch filter (tfjs-wasm, the CLI's backend): finite losses, no leaks. */
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../helpers/backend';
import { toyDataset } from '../../src/data/inMemory';
import { Trainer } from '../../src/train/trainer';
import { trainOptionsFor } from '../../src/train/options';
import { fig9Model, FIG9_PATCH, FIG9_SCALES, FIG9_TOY } from '../../src/train/figure9';

beforeAll(async () => {
  await useBackend('wasm');
});

describe('area-filtered training', () => {
  it('runs D and G steps over mixed sub-ray factors (k = 4 at s = 1, 2 at s = 0.25) without leaking tensors', async () => {
    const { cfg, dcfg } = fig9Model();
    const opts = trainOptionsFor(cfg, { batch: 8, patch: FIG9_PATCH, gamma: 0.05, totalImages: 1000, patchFilter: 'area', patchScales: FIG9_SCALES });
    const t = new Trainer(cfg, dcfg, { ...opts, r1Interval: 2 }, toyDataset(FIG9_TOY), 7);
    for (let i = 0; i < 2; i++) await t.trainStep();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) {
      const s = await t.trainStep();
      for (const v of [s.dLoss, s.gLoss, s.realScore, s.fakeScore]) expect(Number.isFinite(v)).toBe(true);
    }
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });
});
