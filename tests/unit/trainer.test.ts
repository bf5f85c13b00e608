/** A few EpiGRAF training steps on a miniature model (cpu backend: every gradient kernel exists there). */
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../helpers/backend';
import { proceduralDataset, toyDataset } from '../../src/data/inMemory';
import { extractPatch } from '../../src/train/patches';
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
    const data = proceduralDataset({ seed: 1, objects: 2, views: 4, resolution: 16, background: 'white', aa: 1 });
    const trainer = new Trainer(cfg, dcfg, { ...opts, mirror: true }, data, 2);
    const r = opts.patch;
    const patches = Array.from({ length: 16 }, (_, i) => (i % 2 ? { scale: 0.5, offsetX: 0.25, offsetY: 0.125 } : { scale: 1, offsetX: 0, offsetY: 0 }));
    const { images, angles } = trainer.realBatch(patches);
    expect(images.shape).toEqual([16, r, r, 3]);
    const v = images.dataSync();
    const a = angles.dataSync();
    let onlyMirrored = 0;
    for (let i = 0; i < patches.length; i++) {
      const got = v.subarray(i * r * r * 3, (i + 1) * r * r * 3);
      // Which dataset image, mirrored or not, this patch is: its pixels equal that image's patch exactly…
      const matches: { j: number; m: boolean }[] = [];
      for (let j = 0; j < data.images.length; j++)
        for (const m of [false, true]) if (extractPatch(data.images[j], 16, patches[i], r, m).every((x, k) => Math.abs(x - got[k]) < 1e-6)) matches.push({ j, m });
      expect(matches.length, `patch ${i}`).toBeGreaterThan(0);
      // …and its camera is that image's, the yaw negated when mirrored.
      const cam = (j: number, m: boolean) => [(m ? -1 : 1) * data.cameraAngles[3 * j], data.cameraAngles[3 * j + 1]];
      expect(matches.some(({ j, m }) => cam(j, m).every((c, k) => Math.abs(c - a[2 * i + k]) < 1e-6)), `patch ${i}`).toBe(true);
      if (matches.every(({ m }) => m)) onlyMirrored++;
    }
    expect(onlyMirrored).toBeGreaterThan(0); // the mirrored path was exercised
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
    for (const which of ['G', 'D'] as const) {
      const ma = await a.optimizers[which].getWeights();
      const mb = await b.optimizers[which].getWeights();
      expect(mb.length, which).toBe(ma.length);
      expect(ma.length, which).toBeGreaterThan(1); // the step count and the moments
      for (let i = 0; i < ma.length; i++) expect(Array.from(mb[i].tensor.dataSync()), `${which} ${ma[i].name}`).toEqual(Array.from(ma[i].tensor.dataSync()));
    }
    // Checkpoints from before step counts were stored as floats hold the count's int32 bits: read back exactly.
    const old = bin.slice();
    for (const e of JSON.parse(json).tensors.filter((e: { name: string }) => e.name === 'optG/0' || e.name === 'optD/0')) {
      expect(new Float32Array(old.buffer, e.offset, 1)[0]).toBe(1);
      new Int32Array(old.buffer, e.offset, 1)[0] = 1;
    }
    const c = new Trainer(cfg, dcfg, opts, toyDataset({ resolution: 16 }), 3);
    await restoreCheckpoint(c, json, old);
    for (const which of ['G', 'D'] as const) expect((await c.optimizers[which].getWeights())[0].tensor.dataSync()[0], which).toBe(1);
    await expect(restoreCheckpoint(b, json, bin.slice(0, bin.length - 8))).rejects.toThrow(/^checkpoint\.bin: truncated/);
    await expect(restoreCheckpoint(b, json.replace('"version":1', '"version":7'), bin)).rejects.toBeInstanceOf(CheckpointError);
    await expect(restoreCheckpoint(b, '{oops', bin)).rejects.toThrow(/^checkpoint\.json: invalid JSON/);
    // A hand-edited or damaged manifest is named, never a TypeError or misaligned bytes read as weights.
    const edit = (f: (m: any) => void) => {
      const m = JSON.parse(json);
      f(m);
      return JSON.stringify(m);
    };
    await expect(restoreCheckpoint(b, edit((m) => (m.tensors = 5)), bin)).rejects.toThrow(/^checkpoint\.json: "tensors" must be a list \(got 5\)/);
    await expect(restoreCheckpoint(b, edit((m) => (m.tensors[0] = null)), bin)).rejects.toThrow(/^checkpoint\.json: tensor entry 0 null is not \{name, shape/);
    await expect(restoreCheckpoint(b, edit((m) => (m.tensors[1].offset += 2)), bin)).rejects.toThrow(/^checkpoint\.json: tensor entry 1 .* offset \(a multiple of 4\)/);
    await expect(restoreCheckpoint(b, edit((m) => (m.tensors[0].length = 1)), bin)).rejects.toThrow(/^checkpoint\.json: tensor entry 0 /);
    await expect(restoreCheckpoint(b, edit((m) => (m.step = 'abc')), bin)).rejects.toThrow(/^checkpoint\.json: "step" must be a whole number ≥ 0 \(got "abc"\)/);
    const longer = new Trainer(cfg, dcfg, { ...opts, annealImages: opts.annealImages * 2 }, toyDataset({ resolution: 16 }), 3);
    await expect(restoreCheckpoint(longer, json, bin)).rejects.toThrow(/^checkpoint\.json: was trained with schedules over/);
  });
});
