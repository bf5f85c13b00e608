/** A few EpiGRAF training steps on a miniature model (cpu backend: every gradient kernel exists there). */
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../helpers/backend';
import { toyDataset } from '../../src/data/inMemory';
import { Trainer } from '../../src/train/trainer';
import { MINI_CFG, MINI_DCFG, MINI_OPTS } from '../helpers/miniature';

const cfg = MINI_CFG;
const dcfg = MINI_DCFG;
const opts = MINI_OPTS;

beforeAll(async () => {
  await useBackend('cpu');
});

describe('trainer', () => {
  it('runs D and G steps with lazy R1, moves both networks and keeps an EMA of G', async () => {
    const trainer = new Trainer(cfg, dcfg, opts, toyDataset({ resolution: 16 }), 1);
    const g0 = trainer.G['synthesis.tri_plane_mlp.model.1.bias'].dataSync().slice();
    const d0 = trainer.D['b4.out.weight'].dataSync().slice();
    const s1 = await trainer.trainStep();
    const s2 = await trainer.trainStep();
    for (const s of [s1, s2]) for (const v of [s.dLoss, s.gLoss, s.realScore, s.fakeScore]) expect(Number.isFinite(v)).toBe(true);
    expect(s1.r1).not.toBeNull(); // step 0: R1 (interval 2)
    expect(s1.r1!).toBeGreaterThan(0);
    expect(s2.r1).toBeNull();
    expect(s2.imagesSeen).toBe(8);
    const g1 = trainer.G['synthesis.tri_plane_mlp.model.1.bias'].dataSync();
    const d1 = trainer.D['b4.out.weight'].dataSync();
    expect(Math.max(...Array.from(g1).map((v, i) => Math.abs(v - g0[i])))).toBeGreaterThan(0);
    expect(Math.max(...Array.from(d1).map((v, i) => Math.abs(v - d0[i])))).toBeGreaterThan(0);
    // The EMA moved away from the initial weights but lags behind G.
    const ema = trainer.Gema['synthesis.tri_plane_mlp.model.1.bias'].dataSync();
    const dist = (a: ArrayLike<number>, c: ArrayLike<number>) => Math.max(...Array.from(a).map((v, i) => Math.abs(v - c[i])));
    expect(dist(ema, g0)).toBeGreaterThan(0);
    expect(dist(ema, g1)).toBeGreaterThan(0);
    expect(dist(ema, g1)).toBeLessThan(2 * dist(g1, g0) + 1e-6);
    // no tensors leak per step
    const before = tf.memory().numTensors;
    await trainer.trainStep();
    await trainer.trainStep();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('real patches are cut from the dataset at the sampled patch windows, mirrored with yaw negated', () => {
    const trainer = new Trainer(cfg, dcfg, { ...opts, mirror: false }, toyDataset({ resolution: 16 }), 2);
    const { images, angles } = trainer.realBatch([{ scale: 1, offsetX: 0, offsetY: 0 }, { scale: 1, offsetX: 0, offsetY: 0 }]);
    expect(images.shape).toEqual([2, 8, 8, 3]);
    expect(Array.from(angles.dataSync()).filter((_, i) => i % 2 === 1).every((p) => Math.abs(p - Math.PI / 2) < 1e-6)).toBe(true);
    const v = images.dataSync();
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...v)).toBeLessThanOrEqual(1);
  });
});

describe('checkpoints', () => {
  it('save → restore gives back G, G_ema, D, the optimiser moments and the counters; bad files are named', async () => {
    const { saveCheckpoint, restoreCheckpoint, CheckpointError } = await import('../../src/train/checkpoint');
    const a = new Trainer(cfg, dcfg, opts, toyDataset({ resolution: 16 }), 3);
    await a.trainStep();
    const { json, bin } = await saveCheckpoint(a);
    const b = new Trainer(cfg, dcfg, opts, toyDataset({ resolution: 16 }), 3);
    await restoreCheckpoint(b, json, bin);
    expect([b.step, b.imagesSeen]).toEqual([1, 4]);
    for (const [set, name] of [[a.G, b.G], [a.Gema, b.Gema], [a.D, b.D]] as const)
      for (const k of Object.keys(set)) expect(Array.from(name[k].dataSync())).toEqual(Array.from(set[k].dataSync()));
    const ma = await a.optimizers.D.getWeights();
    const mb = await b.optimizers.D.getWeights();
    expect(mb.length).toBe(ma.length);
    expect(Array.from(mb[3].tensor.dataSync())).toEqual(Array.from(ma[3].tensor.dataSync()));
    await expect(restoreCheckpoint(b, json, bin.slice(0, bin.length - 8))).rejects.toThrow(/^checkpoint\.bin: truncated/);
    await expect(restoreCheckpoint(b, json.replace('"version":1', '"version":7'), bin)).rejects.toBeInstanceOf(CheckpointError);
    await expect(restoreCheckpoint(b, '{oops', bin)).rejects.toThrow(/^checkpoint\.json: invalid JSON/);
    const longer = new Trainer(cfg, dcfg, { ...opts, annealImages: opts.annealImages * 2 }, toyDataset({ resolution: 16 }), 3);
    await expect(restoreCheckpoint(longer, json, bin)).rejects.toThrow(/^checkpoint\.json: was trained with schedules over/);
  });
});
