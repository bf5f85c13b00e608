/**
 * The page's handle on the training worker: starts and commands it and turns its messages into the
 * training store's state. React components call these functions; they never hold the Worker themselves.
 */
import { useTraining } from '../ui/trainStore';
import { CheckpointStore, indexedDbKV } from './checkpointStore';
import type { FromWorker, NamedFile, RunSpec, ToWorker } from './worker/protocol';

let worker: Worker | null = null;
const waiting: { kind: 'weights-open' | 'weights-download' | 'checkpoint'; resolve: (f: NamedFile[]) => void; reject: (e: Error) => void }[] = [];
const store = () => useTraining.getState();

function send(m: ToWorker): void {
  if (!worker) throw new Error('no training run is active');
  worker.postMessage(m);
}

function onMessage(m: FromWorker): void {
  const s = store();
  switch (m.type) {
    case 'progress':
      return s.set({ message: m.message });
    case 'started':
      return s.set({ spec: m.info.spec, step: m.info.step, imagesSeen: m.info.imagesSeen, elapsed: m.info.elapsed, history: m.history, saved: null, message: `Training from step ${m.info.step}` });
    case 'state': {
      // A pause or stop asked for is only reported once the step in flight has finished.
      const phase = m.state === 'preparing' ? 'preparing' : m.state;
      return s.set({ phase, message: { preparing: 'Preparing…', running: 'Training…', paused: 'Paused (checkpoint saved)', stopped: 'Stopped (checkpoint saved)' }[m.state] });
    }
    case 'stats':
      return s.set({ step: m.point.step, imagesSeen: m.point.imagesSeen, elapsed: m.elapsed, history: [...s.history, m.point] });
    case 'samples':
      return s.set({ samples: { step: m.step, width: m.width, height: m.height, rows: m.rows, cols: m.cols, rgba: m.rgba } });
    case 'checkpointSaved':
      return s.set({ lastSaved: m.info });
    case 'weights':
    case 'checkpointFiles': {
      const kind = m.type === 'weights' ? (`weights-${m.purpose}` as const) : 'checkpoint';
      const i = waiting.findIndex((w) => w.kind === kind);
      if (i >= 0) waiting.splice(i, 1)[0].resolve(m.files);
      return;
    }
    case 'error': {
      for (const w of waiting.splice(0)) w.reject(new Error(m.message));
      // An error before the run started leaves nothing running.
      return s.set({ error: m.message, ...(s.phase === 'preparing' ? { phase: 'idle', message: '' } : {}) });
    }
  }
}

function freshWorker(): Worker {
  worker?.terminate();
  for (const w of waiting.splice(0)) w.reject(new Error('the training run was replaced'));
  const w = new Worker(new URL('./worker/trainWorker.ts', import.meta.url), { type: 'module', name: 'epigraf-trainer' });
  w.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  w.onerror = (e) => store().set({ error: `the training worker failed: ${e.message || 'could not load'}`, phase: 'idle' });
  worker = w;
  return w;
}

const reset = { error: '', step: 0, imagesSeen: 0, elapsed: 0, history: [], samples: null, lastSaved: null };

export function startTraining(spec: RunSpec, files?: Map<string, Uint8Array>): void {
  store().set({ ...reset, phase: 'preparing', message: 'Preparing…', spec });
  freshWorker().postMessage({ type: 'start', spec, files } satisfies ToWorker);
}

export function resumeSavedTraining(): void {
  store().set({ ...reset, phase: 'preparing', message: 'Preparing…' });
  freshWorker().postMessage({ type: 'resumeSaved' } satisfies ToWorker);
}

export function pauseTraining(): void {
  store().set({ phase: 'pausing', message: 'Pausing after this step…' });
  send({ type: 'pause' });
}

export function resumeTraining(): void {
  send({ type: 'resume' });
}

export function stopTraining(): void {
  store().set({ phase: 'stopping', message: 'Stopping after this step…' });
  send({ type: 'stop' });
}

function request(m: ToWorker, kind: (typeof waiting)[number]['kind']): Promise<NamedFile[]> {
  return new Promise((resolve, reject) => {
    waiting.push({ kind, resolve, reject });
    try {
      send(m);
    } catch (e) {
      waiting.pop();
      reject(e);
    }
  });
}

/** G_ema as viewer weights files (float32 to open, float16 to download). */
export const exportWeights = (purpose: 'open' | 'download') => request({ type: 'exportWeights', purpose }, `weights-${purpose}`);
export const exportCheckpoint = () => request({ type: 'exportCheckpoint' }, 'checkpoint');

/** Looks for a run saved by an earlier visit (a reload, a crash) and offers it. */
export async function findSavedRun(): Promise<void> {
  try {
    const saved = await new CheckpointStore(indexedDbKV()).latestInfo();
    if (store().phase === 'idle') store().set({ saved });
  } catch (e) {
    store().set({ error: `The saved training run could not be read: ${(e as Error).message}` });
  }
}

/** Forgets the saved run (and ends the worker if one is running). */
export async function discardSavedRun(): Promise<void> {
  worker?.terminate();
  worker = null;
  await new CheckpointStore(indexedDbKV()).clear();
  store().set({ ...reset, phase: 'idle', saved: null, spec: null, message: 'Saved training discarded' });
}
