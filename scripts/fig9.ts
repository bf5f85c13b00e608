/**
 * `npm run fig9 -- --out DIR --filter point|area [--seed S] [--steps N] [--batch B] [--samples N] [--backend wasm|cpu]`:
 * the Figure 9 toy experiment (docs/figure9.md). Trains the miniature model of src/train/figure9.ts on the toy
 * (patch scales {1, 0.25}, fixed frontal camera) with the given patch filter, then writes DIR/metrics.json
 * (corner-colour correlation and match fraction over N samples of G_ema), DIR/grid.png (the first 64 samples)
 * and DIR/checkpoint.{json,bin}.
 *
 * `npm run fig9 -- --eval DIR [--samples N]` re-evaluates a saved checkpoint; `--out DIR --continue --steps N`
 * trains a saved run on to N steps in all (with its own options and schedules) and evaluates it again.
 * `npm run fig9 -- --real-patches FILE.png`: the two real images' s = 1 patches, point (top) vs area (bottom).
 * `npm run fig9 -- --bench [--preset mini|tiny] [--steps N] [--max-subrays K] [--res R --patch r]`: seconds per
 * training step, point vs area (patch scales {1, 0.25}).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { useBackend } from '../tests/helpers/backend';
import { toyDataset } from '../src/data/inMemory';
import { encodePng } from '../src/data/png';
import { preset } from '../src/model/config';
import { Trainer } from '../src/train/trainer';
import { trainOptionsFor } from '../src/train/options';
import { dConfigFor } from '../src/train/discriminator';
import { parseCheckpoint, restoreCheckpoint, saveCheckpoint, CHECKPOINT_BIN, CHECKPOINT_JSON } from '../src/train/checkpoint';
import { cornerMetrics, datasetImagesRgb, fig9Model, fig9Trainer, fig9Samples, sampleGrid, FIG9_PATCH, FIG9_SCALES, FIG9_TOY } from '../src/train/figure9';
import { extractPatch, type PatchFilter } from '../src/train/patches';
import { cliArgs } from './cliArgs';

export async function main(argv: string[]) {
  const { get } = cliArgs(argv);
  await useBackend(get('backend', 'wasm') as 'wasm' | 'cpu');
  const data = toyDataset(FIG9_TOY);
  const samples = Number(get('samples', '1000'));
  if (argv.includes('--bench')) return bench(argv, get);
  if (argv.includes('--real-patches')) {
    // What D sees of the two real images at s = 1: point (top row) vs area (bottom row), each 8× enlarged.
    const full = { scale: 1, offsetX: 0, offsetY: 0 };
    const ps = (['point', 'area'] as PatchFilter[]).flatMap((f) => data.images.map((im) => extractPatch(im, FIG9_TOY.resolution, full, FIG9_PATCH, false, f)));
    const all = new Float32Array(ps.length * FIG9_PATCH * FIG9_PATCH * 3);
    ps.forEach((x, i) => all.set(x, i * x.length));
    const g = sampleGrid(all, FIG9_PATCH, 2, 2, 8);
    writeFileSync(get('real-patches', ''), encodePng(g.rgba, g.width, g.height));
    return;
  }
  if (argv.includes('--eval')) {
    const dir = get('eval', '');
    const { t, prev } = await loadRun(dir, data);
    const meta = Object.fromEntries(['filter', 'seed', 'steps', 'batch', 'images', 'trainSeconds', 'secondsPerStep', 'continuedFrom'].filter((k) => k in prev).map((k) => [k, prev[k]]));
    return evaluate(t, dir, samples, meta);
  }
  const out = get('out', '');
  if (!out) throw new Error('--out DIR is required');
  const steps = Number(get('steps', '500'));
  if (argv.includes('--continue')) return continueRun(out, steps, samples, data);
  const filter = get('filter', 'point') as PatchFilter;
  if (filter !== 'point' && filter !== 'area') throw new Error('--filter must be point or area');
  const seed = Number(get('seed', '0'));
  const batch = Number(get('batch', '8'));
  const t = fig9Trainer(data, filter, { batch, steps, seed });
  mkdirSync(out, { recursive: true });
  await train(t, out, steps, samples, { filter, seed, batch });
}

/** A saved run's trainer (built from its checkpoint's own config, options and seed) and its earlier metrics. */
async function loadRun(dir: string, data: ReturnType<typeof toyDataset>) {
  const json = readFileSync(join(dir, CHECKPOINT_JSON), 'utf8');
  const bin = new Uint8Array(readFileSync(join(dir, CHECKPOINT_BIN)));
  const { manifest } = parseCheckpoint(json, bin);
  const t = new Trainer(manifest.config, manifest.dconfig, manifest.options, data, manifest.seed);
  await restoreCheckpoint(t, json, bin);
  const prev: Record<string, unknown> = existsSync(join(dir, 'metrics.json')) ? JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) : {};
  return { t, prev, seed: manifest.seed };
}

/**
 * Trains a saved run on to `steps` in all. It keeps the run's options, so its schedules (β anneal, σ noise) end
 * where they were set to end and the extra steps train at their final values; a run started with the longer
 * length would have stretched them over all of it.
 */
async function continueRun(dir: string, steps: number, samples: number, data: ReturnType<typeof toyDataset>) {
  const { t, seed } = await loadRun(dir, data);
  if (steps <= t.step) throw Object.assign(new Error(`${dir} is already at step ${t.step}: --steps must be larger to continue it`), { name: 'UsageError' });
  const filter = t.t.patchFilter ?? 'point';
  await train(t, dir, steps, samples, { filter, seed, batch: t.t.batch, continuedFrom: t.step });
}

async function train(t: Trainer, out: string, steps: number, samples: number, meta: Record<string, unknown>) {
  const from = t.step;
  const t0 = performance.now();
  while (t.step < steps) {
    const s = await t.trainStep();
    if (s.step % 25 === 0 || s.step === steps) console.log(JSON.stringify({ ...s, elapsed: +((performance.now() - t0) / 1000).toFixed(1) }));
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  const ck = await saveCheckpoint(t);
  writeFileSync(join(out, CHECKPOINT_JSON), ck.json);
  writeFileSync(join(out, CHECKPOINT_BIN), ck.bin);
  await evaluate(t, out, samples, { ...meta, steps, images: t.imagesSeen, trainSeconds: +trainSeconds.toFixed(1), secondsPerStep: +(trainSeconds / (steps - from)).toFixed(3) });
}

async function evaluate(t: Trainer, dir: string, samples: number, meta: object) {
  const e0 = performance.now();
  const imgs = await fig9Samples(t.cfg, t.Gema, samples, FIG9_TOY.resolution);
  const metrics = { ...meta, ...cornerMetrics(imgs, FIG9_TOY.resolution, FIG9_TOY), evalSeconds: +((performance.now() - e0) / 1000).toFixed(1) };
  const realMetrics = cornerMetrics(datasetImagesRgb(toyDataset(FIG9_TOY)), FIG9_TOY.resolution, FIG9_TOY);
  const g = sampleGrid(imgs, FIG9_TOY.resolution, 8, 8, 2);
  writeFileSync(join(dir, 'grid.png'), encodePng(g.rgba, g.width, g.height));
  writeFileSync(join(dir, 'metrics.json'), JSON.stringify({ ...metrics, realData: realMetrics }, null, 2));
  console.log(JSON.stringify(metrics));
}

async function bench(argv: string[], get: (k: string, d: string) => string) {
  const which = get('preset', 'mini');
  const steps = Number(get('steps', '6'));
  const result: Record<string, number> = {};
  for (const filter of ['point', 'area'] as PatchFilter[]) {
    let t: Trainer;
    if (which === 'mini') {
      const { cfg, dcfg } = fig9Model();
      t = new Trainer(cfg, dcfg, trainOptionsFor(cfg, { batch: 8, patch: FIG9_PATCH, gamma: 0.05, totalImages: 1e4, patchFilter: filter, patchScales: FIG9_SCALES }), toyDataset(FIG9_TOY), 0);
    } else {
      const cfg = preset('tiny');
      const res = Number(get('res', '64'));
      const patch = Number(get('patch', '32'));
      const maxSubrays = Number(get('max-subrays', '4'));
      t = new Trainer(cfg, dConfigFor('tiny', res, patch), trainOptionsFor(cfg, { batch: 8, patch, gamma: 0.05, totalImages: 1e4, patchFilter: filter, patchScales: FIG9_SCALES, maxSubrays }), toyDataset({ resolution: res }), 0);
    }
    await t.trainStep(); // warm-up (kernels, optimiser state)
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await t.trainStep();
    result[filter] = +((performance.now() - t0) / 1000 / steps).toFixed(3);
    console.log(JSON.stringify({ preset: which, filter, secondsPerStep: result[filter], backend: tf.getBackend() }));
    t.dispose();
  }
  console.log(JSON.stringify({ preset: which, ...result, ratio: +(result.area / result.point).toFixed(2) }));
}
