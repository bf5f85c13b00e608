/**
 * The Figure 9 experiment in the tab: two miniature generators, one trained with point-sampled (aliased,
 * official) patches and one with area-filtered patches, on the toy of two mostly-white images with
 * correlated corner colours, for the same number of images (their steps alternate, so both are always
 * equally far along). Every `evalEvery` steps each model's G_ema is sampled at the fixed frontal camera and
 * scored by the corner-colour correlation and match fraction (src/train/figure9.ts, as `npm run fig9`).
 */
import { toyDataset } from '../../data/inMemory';
import { cornerMetrics, datasetImagesRgb, fig9Samples, fig9Trainer, sampleGrid, FIG9_TOY } from '../figure9';
import type { PatchFilter } from '../patches';
import type { Trainer } from '../trainer';
import type { Fig9Grid, Fig9Spec, FromFig9, ToFig9 } from './fig9Protocol';
import { initWorkerBackend } from './workerBackend';

const scope = self as unknown as { postMessage(m: FromFig9, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<ToFig9>) => void) | null };
const post = (m: FromFig9, transfer: Transferable[] = []) => scope.postMessage(m, transfer);
const FILTERS: PatchFilter[] = ['point', 'area'];
const GRID = { cols: 8, rows: 4, zoom: 2 };

let running = false;
let stopAsked = false;

function grid(images: Float32Array, cols = GRID.cols, rows = GRID.rows): Fig9Grid {
  const g = sampleGrid(images, FIG9_TOY.resolution, cols, rows, GRID.zoom);
  return { width: g.width, height: g.height, rgba: new Uint8ClampedArray(g.rgba.buffer) };
}

async function evaluate(filter: PatchFilter, t: Trainer, spec: Fig9Spec): Promise<void> {
  const imgs = await fig9Samples(t.cfg, t.Gema, spec.samples, FIG9_TOY.resolution);
  const g = grid(imgs);
  post({ type: 'result', filter, step: t.step, imagesSeen: t.imagesSeen, metrics: cornerMetrics(imgs, FIG9_TOY.resolution, FIG9_TOY), grid: g }, [g.rgba.buffer]);
}

async function experiment(spec: Fig9Spec): Promise<void> {
  post({ type: 'progress', message: 'Starting WebGPU…' });
  await initWorkerBackend();
  const data = toyDataset(FIG9_TOY);
  const real = datasetImagesRgb(data);
  post({ type: 'real', grid: grid(real, data.images.length, 1), metrics: cornerMetrics(real, FIG9_TOY.resolution, FIG9_TOY) });
  // The same seed for both: the models start from the same weights and differ only by the patch filter.
  const trainers = FILTERS.map((f) => fig9Trainer(data, f, { batch: spec.batch, steps: spec.stepsPerModel, seed: spec.seed }));
  try {
    for (let step = 1; step <= spec.stepsPerModel && !stopAsked; step++) {
      for (const [i, t] of trainers.entries()) {
        const s0 = performance.now();
        const s = await t.trainStep();
        post({ type: 'step', filter: FILTERS[i], step: s.step, imagesSeen: s.imagesSeen, seconds: (performance.now() - s0) / 1000 });
      }
      if (step % spec.evalEvery === 0 || step === spec.stepsPerModel || stopAsked) {
        post({ type: 'progress', message: `Sampling ${spec.samples} images from each model…` });
        for (const [i, t] of trainers.entries()) await evaluate(FILTERS[i], t, spec);
        post({ type: 'progress', message: step < spec.stepsPerModel && !stopAsked ? 'Training…' : 'Done' });
      }
    }
  } finally {
    for (const t of trainers) t.dispose();
  }
  post({ type: 'done', stopped: stopAsked });
}

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'stop') {
    stopAsked = true;
    return;
  }
  if (running) return post({ type: 'error', message: 'an experiment is already running in this worker' });
  running = true;
  stopAsked = false;
  experiment(m.spec)
    .catch((err: Error) => post({ type: 'error', message: `the experiment stopped: ${err.message}` }))
    .finally(() => (running = false));
};
