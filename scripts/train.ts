/**
 * `npm run train -- --out DIR [options]`: patch-wise EpiGRAF training from the command line: tfjs-wasm by
 * default (with this project's wasm kernels), or WebGPU in Node (Dawn: Mesa lavapipe here, a real GPU
 * elsewhere), or the cpu backend.
 *
 *   --dataset procedural[:plant|mushroom|fruit][:OBJECTS:VIEWS][:env|white] | DIR | FILE.zip   (default procedural:32:32;
 *             a background in the name overrides --background)
 *   --background white|env   --res R (64)   --preset tiny|small|official (tiny)   --patch r (32)   --batch B (8)
 *   --steps N (100) | --kimg K   --gamma γ (0.05)   --checkpoint-every K (25)   --seed S (0)   --resume   --backend wasm|webgpu|cpu
 *   --patch-filter point|area (point: the official aliased patches; area: box-filtered real patches and
 *   k × k sub-rays per fake pixel, k ≤ --max-subrays, default 4)   --patch-scales 1,0.25 (a fixed set of scales instead of the annealed Beta)
 *   --dataset toy[:MARK:OFFSET] (the Figure 9 toy at --res, corner marks of MARK px set OFFSET px in)
 *   --workers K (1): data-parallel over K worker threads (one core each), each drawing batch / K samples
 *   per step; their averaged gradients make it the same batch-B training (src/train/replicaPool.ts)
 *
 * Prints one JSON line per step; every K steps writes DIR/checkpoint.{json,bin} (resumable) and the EMA
 * generator as viewer weights in DIR/weights (float16).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { preset, type PresetName } from '../src/model/config';
import { encodeWeights } from '../src/model/weights';
import { writeWeightsDir } from '../src/model/weightsNode';
import { proceduralDataset, toyDataset } from '../src/data/inMemory';
import { parseProceduralSpec } from '../src/data/procedural/spec';
import { importDataset, filesFromZip } from '../src/data/importDataset';
import { filesFromDir } from '../src/data/datasetNode';
import { dConfigFor } from '../src/train/discriminator';
import { Trainer, type Replication, type StepStats, type TrainOptions } from '../src/train/trainer';
import { ReplicaPool } from '../src/train/replicaPool';
import { trainOptionsFor } from '../src/train/options';
import type { PatchFilter } from '../src/train/patches';
import { parseManifest, restoreCheckpoint, saveCheckpoint, CHECKPOINT_BIN, CHECKPOINT_JSON } from '../src/train/checkpoint';
import { useWebGPUBackend } from '../tests/helpers/webgpuNode';
import { useBackend } from '../tests/helpers/backend';
import { cliArgs } from './cliArgs';

export function parseTrainArgs(argv: string[]) {
  const { get, num } = cliArgs(argv);
  const out = get('out', '');
  if (!out) throw new Error('--out DIR is required');
  const workers = num('workers', 1);
  if (!(Number.isInteger(workers) && workers >= 1)) throw new Error(`--workers must be a positive integer (got ${workers})`);
  if (num('batch', 8) % (4 * workers) !== 0) throw new Error(`--batch must be a multiple of 4 × --workers: each replica's share is whole minibatch-std groups of 4 (got batch ${num('batch', 8)}, ${workers} workers)`);
  return {
    out,
    data: get('dataset', get('data', 'procedural:32:32')),
    background: get('background', 'env') as 'white' | 'env',
    res: num('res', 64),
    preset: get('preset', 'tiny') as PresetName,
    patch: num('patch', 32),
    batch: num('batch', 8),
    steps: argv.includes('--kimg') ? Math.ceil((num('kimg', 0) * 1000) / num('batch', 8)) : num('steps', 100),
    gamma: num('gamma', 0.05),
    every: num('checkpoint-every', 25),
    seed: num('seed', 0),
    resume: argv.includes('--resume'),
    backend: get('backend', 'wasm'),
    patchFilter: patchFilterArg(get('patch-filter', 'point')),
    patchScales: argv.includes('--patch-scales') ? patchScalesArg(get('patch-scales', '')) : undefined,
    maxSubrays: argv.includes('--max-subrays') ? num('max-subrays', 4) : undefined,
    workers,
  };
}

function patchFilterArg(v: string): PatchFilter {
  if (v !== 'point' && v !== 'area') throw new Error(`--patch-filter must be point or area (got ${v})`);
  return v;
}

function patchScalesArg(v: string): number[] {
  const scales = v.split(',').map(Number);
  if (!scales.length || scales.some((x) => !(x > 0 && x <= 1))) throw new Error(`--patch-scales must be a comma-separated list of scales in (0, 1] (got ${v})`);
  return scales;
}

export type TrainArgs = ReturnType<typeof parseTrainArgs>;

/**
 * A resumed run keeps the schedule lengths (β anneal, σ noise) it was started with: --kimg / --steps then only
 * say where this invocation stops, so a run can be extended without its schedules jumping back.
 */
function keepSchedules(opts: TrainOptions, checkpointJson: string, total: number, log: boolean): void {
  const saved: Partial<TrainOptions> = parseManifest(checkpointJson).options ?? {};
  if (saved.annealImages === undefined || saved.densityNoiseImages === undefined) return;
  opts.annealImages = saved.annealImages;
  opts.densityNoiseImages = saved.densityNoiseImages;
  if (log && saved.annealImages !== total)
    console.error(`schedules kept from the checkpoint (β anneal over ${saved.annealImages / 1000} kimg, σ noise over ${saved.densityNoiseImages / 1000}); this run stops at ${total / 1000} kimg`);
}

/** The backend, dataset, trainer (resumed from DIR if asked) and checkpoint writer of a run: one process or one replica. */
export async function setupRun(a: TrainArgs, replication?: Replication) {
  if (a.backend === 'webgpu') {
    await useWebGPUBackend();
    tf.env().set('WEBGPU_CPU_FORWARD', false);
  } else if (a.backend === 'wasm' || a.backend === 'cpu') await useBackend(a.backend);
  else throw new Error(`--backend must be wasm, webgpu or cpu (got ${a.backend})`);
  const t0 = performance.now();
  const procedural = parseProceduralSpec(a.data);
  const data = a.data === 'toy' || a.data.startsWith('toy:')
    ? (() => {
        const [markSize, markOffset] = a.data.split(':').slice(1).map(Number);
        return toyDataset({ resolution: a.res, markSize, markOffset });
      })()
    : procedural
    ? proceduralDataset({ seed: a.seed, objects: procedural.objects, views: procedural.views, resolution: a.res, background: procedural.background ?? a.background, aa: 2, family: procedural.family })
    : await importDataset(a.data.endsWith('.zip') ? filesFromZip(new Uint8Array(readFileSync(a.data)), a.data) : await filesFromDir(a.data), { label: a.data });
  if (!replication?.index) console.error(`dataset: ${data.names.length} images of ${data.resolution}² (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  const cfg = preset(a.preset);
  const total = a.steps * a.batch;
  const opts = trainOptionsFor(cfg, { batch: a.batch, patch: a.patch, gamma: a.gamma, totalImages: total, patchFilter: a.patchFilter, patchScales: a.patchScales, maxSubrays: a.maxSubrays });
  mkdirSync(a.out, { recursive: true });
  const ckJson = join(a.out, CHECKPOINT_JSON);
  const resuming = a.resume && existsSync(ckJson);
  const ckText = resuming ? readFileSync(ckJson, 'utf8') : '';
  if (resuming) keepSchedules(opts, ckText, total, !replication?.index);
  const trainer = new Trainer(cfg, dConfigFor(a.preset, data.resolution, a.patch), opts, data, a.seed, replication);
  if (resuming) {
    await restoreCheckpoint(trainer, ckText, new Uint8Array(readFileSync(join(a.out, CHECKPOINT_BIN))));
    if (!replication?.index) console.error(`resumed at step ${trainer.step} (${trainer.imagesSeen} images)`);
  }
  const started = performance.now();
  const save = async () => {
    const ck = await saveCheckpoint(trainer);
    writeFileSync(ckJson, ck.json);
    writeFileSync(join(a.out, CHECKPOINT_BIN), ck.bin);
    const arrays = new Map(await Promise.all(Object.entries(trainer.Gema).map(async ([k, v]) => [k, (await v.data()) as Float32Array] as const)));
    const meta = { description: `EMA generator after ${trainer.imagesSeen} images`, imagesSeen: trainer.imagesSeen, kimg: trainer.imagesSeen / 1000, trainSeconds: (performance.now() - started) / 1000 };
    await writeWeightsDir(join(a.out, 'weights'), encodeWeights({ ...cfg, name: `${cfg.name} (trained)` }, arrays, { dtype: 'float16', meta }));
  };
  return { trainer, save };
}

/**
 * Ctrl-C (SIGINT) or SIGTERM ends the run after the step in progress, with a checkpoint and viewer weights,
 * so stopping a long run loses nothing; a second signal exits at once.
 */
function stopOnSignal(): { requested: () => boolean; dispose: () => void } {
  let requested = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (requested) process.exit(130);
    requested = true;
    console.error(`${sig}: saving a checkpoint after this step (again to exit at once)`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    requested: () => requested,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

export async function main(argv: string[]) {
  const a = parseTrainArgs(argv);
  const log = (s: StepStats, seconds: number) => console.log(JSON.stringify({ ...s, seconds: +seconds.toFixed(2) }));
  const due = (step: number) => step % a.every === 0 || step === a.steps;
  const stop = stopOnSignal();
  try {
    if (a.workers > 1) {
      // Data-parallel: the replicas resume from the same checkpoint and report the step they start at.
      const pool = await ReplicaPool.start(a.workers, argv);
      try {
        for (let step = pool.step; step < a.steps; ) {
          const s0 = performance.now();
          const s = await pool.trainStep();
          step = s.step;
          log(s, (performance.now() - s0) / 1000);
          if (due(step) || stop.requested()) await pool.save();
          if (stop.requested()) break;
        }
      } finally {
        await pool.stop();
      }
      return;
    }
    const { trainer, save } = await setupRun(a);
    while (trainer.step < a.steps) {
      const s0 = performance.now();
      const s = await trainer.trainStep();
      log(s, (performance.now() - s0) / 1000);
      if (due(trainer.step) || stop.requested()) await save();
      if (stop.requested()) break;
    }
  } finally {
    stop.dispose();
  }
}
