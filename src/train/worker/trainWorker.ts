/**
 * The in-tab trainer: a module worker that owns its own tfjs WebGPU backend, the dataset and the `Trainer`
 * (the same model, loss and sampling code as `npm run train`), so the page stays responsive while it trains.
 * Every GPU job (a step, a preview, a checkpoint, an export) goes through one queue: a variable must not be
 * read while a step is assigning it.
 */
import { initWorkerBackend } from './workerBackend';
import { encodeWeights } from '../../model/weights';
import { importDataset, type EpigrafDataset } from '../../data/importDataset';
import { proceduralDataset, toyDataset } from '../../data/inMemory';
import { tabDConfig, tabModelConfig } from '../tabPresets';
import { Trainer } from '../trainer';
import { trainOptionsFor } from '../options';
import { parseCheckpoint, restoreCheckpoint, saveCheckpoint, CHECKPOINT_BIN, CHECKPOINT_JSON } from '../checkpoint';
import { CheckpointStore, indexedDbKV } from '../checkpointStore';
import { previewLayout, renderPreview, type PreviewLayout } from '../previewGrid';
import type { FromWorker, NamedFile, RunSpec, SavedRunInfo, StatsPoint, ToWorker } from './protocol';

const scope = self as unknown as { postMessage(m: FromWorker, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<ToWorker>) => void) | null };
const post = (m: FromWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

interface Run {
  runId: string;
  spec: RunSpec;
  trainer: Trainer;
  layout: PreviewLayout;
  history: StatsPoint[];
  /** What the loop should do after the current step. */
  want: 'run' | 'pause' | 'stop';
  looping: boolean;
  /** Training seconds before the current stretch of running. */
  elapsedBefore: number;
  runningSince: number;
  stepsThisSession: number;
  lastSave: number;
}

const store = new CheckpointStore(indexedDbKV());
let run: Run | null = null;
let queue: Promise<unknown> = Promise.resolve();

function serial<T>(job: () => Promise<T>): Promise<T> {
  const p = queue.then(job);
  queue = p.catch(() => undefined);
  return p;
}

/** Exports the user asked for: served before the next step starts, not after it (a step can take a minute). */
let userJobs = 0;
function userJob<T>(job: () => Promise<T>): Promise<T> {
  userJobs++;
  return serial(job).finally(() => userJobs--);
}

async function buildDataset(spec: RunSpec, files: Map<string, Uint8Array> | null): Promise<EpigrafDataset> {
  const d = spec.dataset;
  if (d.kind === 'toy') return toyDataset({ resolution: d.resolution });
  if (d.kind === 'procedural')
    return proceduralDataset({ seed: spec.seed, objects: d.objects, views: d.views, resolution: d.resolution, background: d.background, aa: 2 }, (done) =>
      post({ type: 'progress', message: `Generating procedural objects… ${done} / ${d.objects}` }),
    );
  if (!files) throw new Error(`the uploaded dataset ${d.label} is no longer stored in this browser: start a new run with it`);
  post({ type: 'progress', message: `Importing ${d.label}…` });
  return importDataset(files, { label: d.label });
}

function makeTrainer(spec: RunSpec, data: EpigrafDataset): Trainer {
  const cfg = tabModelConfig(spec.preset);
  const opts = trainOptionsFor(cfg, { batch: spec.batch, patch: spec.patch, gamma: spec.gamma, totalImages: spec.targetKimg * 1000 });
  return new Trainer(cfg, tabDConfig(spec.preset, data.resolution, spec.patch), opts, data, spec.seed);
}

const elapsed = (r: Run) => r.elapsedBefore + (r.looping ? (performance.now() - r.runningSince) / 1000 : 0);
const info = (r: Run): SavedRunInfo => ({ spec: r.spec, step: r.trainer.step, imagesSeen: r.trainer.imagesSeen, elapsed: elapsed(r), savedAt: Date.now() });

async function begin(spec: RunSpec, runId: string, data: EpigrafDataset, history: StatsPoint[], elapsedBefore: number, restore?: { json: string; bin: Uint8Array }) {
  post({ type: 'progress', message: 'Building the generator and discriminator…' });
  const trainer = makeTrainer(spec, data);
  if (restore) await restoreCheckpoint(trainer, restore.json, restore.bin);
  run = { runId, spec, trainer, layout: previewLayout(trainer.cfg, data), history, want: 'run', looping: false, elapsedBefore, runningSince: 0, stepsThisSession: 0, lastSave: performance.now() };
  post({ type: 'started', info: info(run), history });
  void loop(run);
}

async function save(r: Run): Promise<void> {
  const ck = await saveCheckpoint(r.trainer);
  // A diverged run (NaN or Inf weights) must not replace the last good checkpoint.
  parseCheckpoint(ck.json, ck.bin);
  const i = info(r);
  await store.save(r.runId, { info: i, json: ck.json, bin: ck.bin, history: r.history });
  r.lastSave = performance.now();
  post({ type: 'checkpointSaved', info: i });
}

async function preview(r: Run): Promise<void> {
  const g = await renderPreview(r.trainer.cfg, r.trainer.Gema, r.layout);
  post({ type: 'samples', step: r.trainer.step, width: g.width, height: g.height, rows: r.layout.seeds.length, cols: r.layout.cameras.length, rgba: g.rgba }, [g.rgba.buffer]);
}

async function loop(r: Run): Promise<void> {
  r.looping = true;
  r.runningSince = performance.now();
  post({ type: 'state', state: 'running' });
  let failed = false;
  try {
    while (r.want === 'run') {
      while (userJobs > 0) await queue;
      const s0 = performance.now();
      const s = await serial(() => r.trainer.trainStep());
      const point: StatsPoint = { ...s, seconds: (performance.now() - s0) / 1000 };
      r.history.push(point);
      r.stepsThisSession++;
      post({ type: 'stats', point, elapsed: elapsed(r) });
      if (r.stepsThisSession === 1 || s.step % r.spec.previewEvery === 0) await serial(() => preview(r));
      if (performance.now() - r.lastSave > r.spec.checkpointMinutes * 60_000) await serial(() => save(r));
    }
  } catch (e) {
    // The state after a failed step may be half-updated: keep the last checkpoint rather than save it.
    failed = true;
    r.want = 'pause';
    post({ type: 'error', message: `training paused: ${(e as Error).message}; the last checkpoint is kept` });
  }
  r.elapsedBefore = elapsed(r);
  r.looping = false;
  if (!failed) await serial(() => save(r)).catch((e) => post({ type: 'error', message: `the checkpoint could not be saved: ${(e as Error).message}` }));
  // A resume that came in while this last step ran restarts the loop.
  if ((r.want as string) === 'run') return loop(r);
  post({ type: 'state', state: r.want === 'stop' ? 'stopped' : 'paused' });
}

async function weightsFiles(r: Run, purpose: 'open' | 'download'): Promise<NamedFile[]> {
  const t = r.trainer;
  const arrays = new Map(await Promise.all(Object.entries(t.Gema).map(async ([k, v]) => [k, (await v.data()) as Float32Array] as const)));
  const meta = { description: `EMA generator after ${t.imagesSeen} images (step ${t.step}), trained in the browser`, imagesSeen: t.imagesSeen, kimg: t.imagesSeen / 1000, trainSeconds: elapsed(r) };
  const enc = encodeWeights({ ...t.cfg, name: `${t.cfg.name} G_ema, step ${t.step}` }, arrays, { dtype: purpose === 'download' ? 'float16' : 'float32', meta });
  return [{ name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(enc.modelJson)) }, ...enc.shards.map((s) => ({ name: s.path, bytes: s.data.slice() }))];
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'start': {
      if (run) throw new Error('a run is already active in this worker');
      await initWorkerBackend();
      const runId = `run-${Date.now()}`;
      const files = m.files ?? null;
      const data = await buildDataset(m.spec, files);
      if (files) await store.saveDataset(runId, files);
      await store.collect(runId); // a new run replaces any saved one once it saves
      return begin(m.spec, runId, data, [], 0);
    }
    case 'resumeSaved': {
      if (run) throw new Error('a run is already active in this worker');
      await initWorkerBackend();
      post({ type: 'progress', message: 'Reading the saved checkpoint…' });
      const saved = await store.latest();
      if (!saved) throw new Error('there is no saved training run in this browser');
      const ck = saved.checkpoint;
      const data = await buildDataset(ck.info.spec, ck.info.spec.dataset.kind === 'upload' ? await store.dataset(saved.runId) : null);
      return begin(ck.info.spec, saved.runId, data, ck.history, ck.info.elapsed, ck);
    }
    case 'pause':
      if (run?.want === 'run') run.want = 'pause';
      return;
    case 'resume':
      if (!run || run.want === 'stop') return;
      run.want = 'run';
      if (!run.looping) void loop(run);
      return;
    case 'stop':
      if (!run) return;
      run.want = 'stop';
      if (!run.looping) post({ type: 'state', state: 'stopped' });
      return;
    case 'exportWeights': {
      const r = need();
      const files = await userJob(() => weightsFiles(r, m.purpose));
      return post({ type: 'weights', purpose: m.purpose, files }, files.map((f) => f.bytes.buffer));
    }
    case 'exportCheckpoint': {
      const r = need();
      const ck = await userJob(() => saveCheckpoint(r.trainer));
      const files = [{ name: CHECKPOINT_JSON, bytes: new TextEncoder().encode(ck.json) }, { name: CHECKPOINT_BIN, bytes: ck.bin }];
      return post({ type: 'checkpointFiles', files }, files.map((f) => f.bytes.buffer));
    }
  }
}

function need(): Run {
  if (!run) throw new Error('no training run is active');
  return run;
}

scope.onmessage = (e) => {
  handle(e.data).catch((err: Error) => post({ type: 'error', message: err.message }));
};
