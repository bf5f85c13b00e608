/**
 * `npm run bench:render`: the WGSL ray-marcher against the tfjs reference renderer on the same adapter, one
 * JSON object per line on stdout. Options: --size N (default 64), --frames N (default 5), --presets a,b,
 * --weights DIR[,DIR] (viewer weights of trained models, ψ = 0.7; `--presets ''` for these alone), and for
 * those --seeds a,b (default 0) and --views yaw:pitch,… (default 0.5:1.25): one case per model, seed and view.
 * --grid N sets the occupancy grid's side (default 64); --warmup-ms N renders frames for N ms before timing
 * (default 300); --lanes a,b runs everything once per ray-march lane count (default: the renderer's choice for
 * the adapter and frame size, marchPasses.ts: one lane on software adapters; on GPUs MARCH_LANES below 128², one
 * lane from 128²); the reference is timed once per case and reused across lane counts. --ref-runs N times N
 * reference renders per case (default min(3, frames)); 0 skips the reference (referenceMs and speedup null).
 * `wgslMs` is the median frame with a wait after each, `wgslBatchMs` the mean of frames submitted back to back
 * (`noSkipBatchMs` likewise without empty-space skipping, `foregroundBatchMs` with skipping and without the
 * background INR: the rest of wgslBatchMs is the background pass).
 * Random-weight cases measure speed; the structured scene (a compact opaque object) measures empty-space
 * skipping, which has nothing to skip in a random generator's uniform fog.
 */
import * as tf from '@tensorflow/tfjs-core';
import { useWebGPUBackend, adapterDescription } from '../tests/helpers/webgpuNode';
import { blobScene, psnr } from '../tests/helpers/scenes';
import { preset, type ModelConfig, type PresetName } from '../src/model/config';
import { Generator } from '../src/model/generator';
import type { Params } from '../src/model/layers';
import { cameraFromAngles } from '../src/render/camera';
import { renderReference } from '../src/render/reference';
import { WgslRenderer } from '../src/render/wgslRenderer';
import { cliArgs, laneCounts } from './cliArgs';
import { loadWeights } from '../src/model/weights';
import { dirSource } from '../src/model/weightsNode';

const arg = (args: string[], name: string, def: string) => cliArgs(args).get(name, def);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface BenchSetup {
  size: number;
  frames: number;
  adapter: string;
  gridRes: number;
  warmupMs: number;
  lanes?: number;
  /** tfjs reference renders timed per case (after one untimed); 0 skips the reference. */
  refRuns: number;
  /** referenceMs by case, view and size: the reference does not depend on the lane count, so a sweep times it once. */
  refCache: Map<string, number>;
}

/** "yaw:pitch,yaw:pitch" → [[yaw, pitch], …]. */
function parseViews(spec: string): [number, number][] {
  return spec.split(',').map((v) => {
    const a = v.split(':').map(Number);
    if (a.length !== 2 || !a.every(Number.isFinite)) throw new Error(`--views takes yaw:pitch pairs separated by commas (got "${v}")`);
    return [a[0], a[1]];
  });
}

async function benchCase(label: string, cfg: ModelConfig, params: Params, planes: tf.Tensor4D, ws: tf.Tensor3D, setup: BenchSetup, view: [number, number] = [0.5, 1.25], extra: Record<string, number> = {}) {
  const { size, frames, adapter, gridRes } = setup;
  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  const r = await WgslRenderer.create(cfg, params, { gridRes, marchLanes: setup.lanes });
  const tile = r.marchTileFor(size, size);
  await r.setLatent(planes, ws);
  // Adopting a latent builds its occupancy grid: (gridRes + 1)³ decoder evaluations, paid once per latent.
  const t0 = performance.now();
  await r.setLatent(planes, ws);
  const setLatentMs = performance.now() - t0;
  const cam = cameraFromAngles(view[0], view[1], cfg.camera.radius, cfg.camera.fovDeg);
  const opts = { width: size, height: size, deterministic: true };
  // warm-up: pipeline creation and first dispatch, then frames for warmupMs, because a real GPU idles at a
  // fraction of its clock between sparse frames and would otherwise be timed while it ramps up.
  r.render(cam, { ...opts, skipping: true });
  await r.read();
  for (const until = performance.now() + setup.warmupMs; performance.now() < until; ) {
    r.render(cam, { ...opts, skipping: true });
    await device.queue.onSubmittedWorkDone();
  }
  const times: number[] = [];
  for (let i = 0; i < frames; i++) {
    const t0 = performance.now();
    r.render(cam, { ...opts, skipping: true });
    await device.queue.onSubmittedWorkDone();
    times.push(performance.now() - t0);
  }
  // Frames submitted back to back with one wait at the end: throughput, as progressive refinement draws them.
  const batchMs = async (skipping: boolean, ignoreBg = false) => {
    const t0 = performance.now();
    for (let i = 0; i < frames; i++) r.render(cam, { ...opts, skipping, ignoreBg });
    await device.queue.onSubmittedWorkDone();
    return (performance.now() - t0) / frames;
  };
  const wgslBatchMs = await batchMs(true);
  const skip = await r.read(); // the last skipping frame: its evaluation count and image
  const noSkipBatchMs = await batchMs(false);
  const foregroundBatchMs = await batchMs(true, true);
  r.render(cam, { ...opts, skipping: false });
  const full = await r.read();
  r.destroy();
  const wgslMs = median(times);
  const refKey = JSON.stringify([label, extra, view, size]);
  let referenceMs = setup.refCache.get(refKey) ?? null;
  if (referenceMs === null && setup.refRuns > 0) {
    const refTimes: number[] = [];
    for (let i = 0; i < setup.refRuns + 1; i++) {
      const t0 = performance.now();
      const out = renderReference(cfg, params, planes, ws, [cam], { resolution: size, deterministic: true, chunkRays: 4096 });
      await out.rgb.data();
      if (i > 0) refTimes.push(performance.now() - t0); // the first run compiles tfjs's pipelines
      tf.dispose([out.rgb, out.depth, out.opacity]);
    }
    referenceMs = median(refTimes);
    setup.refCache.set(refKey, referenceMs);
  }
  const rgb = (a: Float32Array) => a.filter((_, i) => i % 4 !== 3);
  const line = {
    case: label,
    ...extra,
    yaw: view[0],
    pitch: view[1],
    gridRes,
    lanes: tile.lanes,
    rays: tile.rays,
    setLatentMs: Math.round(setLatentMs),
    adapter,
    preset: cfg.name,
    width: size,
    height: size,
    coarse: cfg.samples.coarse,
    fine: cfg.samples.fine,
    bgSteps: cfg.background.enabled ? cfg.background.steps : 0,
    wgslMs: +wgslMs.toFixed(2),
    wgslBatchMs: +wgslBatchMs.toFixed(2),
    noSkipBatchMs: +noSkipBatchMs.toFixed(2),
    foregroundBatchMs: +foregroundBatchMs.toFixed(2),
    referenceMs: referenceMs === null ? null : +referenceMs.toFixed(1),
    speedup: referenceMs === null ? null : +(referenceMs / wgslMs).toFixed(1),
    decoderEvalsPerPixel: +skip.evalsPerPixel.toFixed(2),
    naiveEvalsPerPixel: cfg.samples.coarse + cfg.samples.fine,
    psnrVsNoSkip: +psnr(rgb(skip.rgba), rgb(full.rgba)).toFixed(1),
  };
  console.log(JSON.stringify(line));
  return line;
}

export async function main(args: string[]) {
  const size = Number(arg(args, 'size', '64'));
  const frames = Number(arg(args, 'frames', '5'));
  const presets = arg(args, 'presets', 'tiny,small').split(',').filter(Boolean) as PresetName[];
  const trained = arg(args, 'weights', '').split(',').filter(Boolean);
  const seeds = arg(args, 'seeds', '0').split(',').map(Number);
  if (!seeds.every(Number.isInteger)) throw new Error(`--seeds takes integers separated by commas (got "${arg(args, 'seeds', '0')}")`);
  const views = parseViews(arg(args, 'views', '0.5:1.25'));
  const gridRes = Number(arg(args, 'grid', '64'));
  if (!(Number.isInteger(gridRes) && gridRes >= 4)) throw new Error(`--grid must be an integer ≥ 4 (got ${gridRes})`);
  const adapter = await adapterDescription();
  const warmupArg = arg(args, 'warmup-ms', '300');
  const warmupMs = Number(warmupArg);
  if (!(warmupMs >= 0)) throw new Error(`--warmup-ms must be a number ≥ 0 (got ${warmupArg})`);
  const lanesList = laneCounts(args);
  const refRunsArg = arg(args, 'ref-runs', String(Math.max(1, Math.min(3, frames))));
  const refRuns = Number(refRunsArg);
  if (!(Number.isInteger(refRuns) && refRuns >= 0)) throw new Error(`--ref-runs must be an integer ≥ 0 (got ${refRunsArg})`);
  await useWebGPUBackend();
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  const refCache = new Map<string, number>();
  for (const lanes of lanesList) await benchAll({ size, frames, adapter, gridRes, warmupMs, lanes, refRuns, refCache }, presets, trained, seeds, views);
}

async function benchAll(setup: BenchSetup, presets: PresetName[], trained: string[], seeds: number[], views: [number, number][]) {
  const { gridRes } = setup;
  for (const name of presets) {
    const cfg = preset(name);
    const g = Generator.random(cfg, 1, { perturb: 0.05 });
    const ws = g.mapping(g.latents([3]), null, { psi: 0.7 });
    const planes = g.synthesize(ws);
    await benchCase(`${name}-random`, cfg, g.params, planes, ws, setup);
    const scene = blobScene(cfg, g.params);
    await benchCase(`${name}-structured`, cfg, scene.params, scene.planes, ws, setup);
    tf.dispose([ws, planes, scene.planes]);
    g.dispose();
  }
  for (const dir of trained) {
    const w = await loadWeights(dirSource(dir));
    const g = Generator.fromArrays(w.config, w.arrays);
    const label = `${dir.split('/').filter(Boolean).pop()}-trained`;
    const lines: Awaited<ReturnType<typeof benchCase>>[] = [];
    for (const seed of seeds) {
      const ws = g.mapping(g.latents([seed]), null, { psi: 0.7 });
      const planes = g.synthesize(ws, { noiseMode: 'const' });
      for (const view of views) lines.push(await benchCase(label, g.config, g.params, planes, ws, setup, view, { seed }));
      tf.dispose([ws, planes]);
    }
    g.dispose();
    if (lines.length > 1) {
      const mean = (k: 'wgslMs' | 'wgslBatchMs' | 'referenceMs' | 'speedup' | 'decoderEvalsPerPixel') =>
        lines.some((l) => l[k] === null) ? null : +(lines.reduce((a, l) => a + (l[k] ?? 0), 0) / lines.length).toFixed(2);
      // Summary over the model's seeds and views: the skipping target is judged on typical views, not one.
      console.log(
        JSON.stringify({
          case: `${label}-mean`,
          cases: lines.length,
          gridRes,
          lanes: lines[0].lanes,
          adapter: setup.adapter,
          preset: g.config.name,
          wgslMs: mean('wgslMs'),
          wgslBatchMs: mean('wgslBatchMs'),
          referenceMs: mean('referenceMs'),
          speedup: mean('speedup'),
          decoderEvalsPerPixel: mean('decoderEvalsPerPixel'),
          maxDecoderEvalsPerPixel: Math.max(...lines.map((l) => l.decoderEvalsPerPixel)),
          naiveEvalsPerPixel: lines[0].naiveEvalsPerPixel,
          minPsnrVsNoSkip: Math.min(...lines.map((l) => l.psnrVsNoSkip)),
        }),
      );
    }
  }
}
