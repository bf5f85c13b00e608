/**
 * Training on tfjs-wasm (the command-line trainer's backend, with this project's wasm kernels) keeps memory
 * flat: live tensors, backend buffers and bytes do not grow over a few hundred steps (R1 included).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../helpers/backend';
import { toyDataset } from '../../src/data/inMemory';
import { Trainer } from '../../src/train/trainer';
import { MINI_CFG, MINI_DCFG, MINI_OPTS } from '../helpers/miniature';

const cfg = MINI_CFG;
const dcfg = MINI_DCFG;
const opts = { ...MINI_OPTS, r1Interval: 4 };

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
