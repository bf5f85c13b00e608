/** The page's handle on the Figure 9 experiment worker: it turns the worker's messages into the panel's store. */
import { emptyModels, useFig9 } from '../ui/fig9Store';
import type { Fig9Spec, FromFig9, ToFig9 } from './worker/fig9Protocol';

let worker: Worker | null = null;
const store = () => useFig9.getState();

function onMessage(m: FromFig9): void {
  const s = store();
  switch (m.type) {
    case 'progress':
      return s.set({ message: m.message });
    case 'real':
      return s.set({ real: { grid: m.grid, metrics: m.metrics } });
    case 'step':
      return s.set({ models: { ...s.models, [m.filter]: { ...s.models[m.filter], step: m.step, imagesSeen: m.imagesSeen } } });
    case 'result':
      return s.set({ models: { ...s.models, [m.filter]: { ...s.models[m.filter], result: { step: m.step, imagesSeen: m.imagesSeen, metrics: m.metrics, grid: m.grid } } } });
    case 'done':
      return s.set({ phase: 'done', message: m.stopped ? 'Stopped' : 'Done' });
    case 'error':
      return s.set({ phase: 'done', error: m.message });
  }
}

export function startFig9(spec: Fig9Spec): void {
  worker?.terminate();
  store().set({ phase: 'running', message: 'Starting…', error: '', real: null, models: emptyModels() });
  const w = new Worker(new URL('./worker/fig9Worker.ts', import.meta.url), { type: 'module', name: 'epigraf-figure9' });
  w.onmessage = (e: MessageEvent<FromFig9>) => onMessage(e.data);
  w.onerror = (e) => store().set({ phase: 'done', error: `the experiment worker failed: ${e.message || 'could not load'}` });
  w.postMessage({ type: 'start', spec } satisfies ToFig9);
  worker = w;
}

/** Stops after the step in flight; the last samples and metrics are taken then. */
export function stopFig9(): void {
  if (!worker) return;
  store().set({ phase: 'stopping', message: 'Stopping after this step…' });
  worker.postMessage({ type: 'stop' } satisfies ToFig9);
}
