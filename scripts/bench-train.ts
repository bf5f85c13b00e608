/**
 * `npm run bench:train`: seconds per 1,000 real images of patch-wise training, one JSON object per line on
 * stdout, for each backend × patch size × tri-plane sampler (the fused kernel against the composite gather
 * lookup it replaced), with a per-stage breakdown (forward + backward of each stage timed alone at the
 * trainer's shapes) so the next bottleneck is visible.
 *
 *   --backends wasm,webgpu   --patches 32,64   --samplers fused,gather   --batch 8   --steps 2   --preset tiny
 *   --workers 1,2   (instead: the command-line trainer's data-parallel worker threads, wasm, fused; see below)
 *   --patch-filters point,area   (with --workers: the trainer's --patch-filter for each case; default point)
 *
 * secondsPer1kImages = (mean time of the measured steps without R1 + R1's extra time / 16) / batch · 1000:
 * R1 runs lazily every 16 steps, and a short run would otherwise over- or under-count it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { preset, numWs, type PresetName } from '../src/model/config';
import { setTriplaneSampler, sampleTriplane, type TriplaneSampler } from '../src/model/triplane';
import { mappingW } from '../src/model/mapping';
import { synthesizePlanes } from '../src/model/synthesis';
import { randnTensor } from '../src/model/tensors';
import { MT19937 } from '../src/model/prng';
import { proceduralDataset } from '../src/data/inMemory';
import { dConfigFor, discriminate } from '../src/train/discriminator';
import { r1Penalty } from '../src/train/losses';
import { Trainer } from '../src/train/trainer';
import { trainOptionsFor } from '../src/train/options';
import { cameraFromAngles } from '../src/render/camera';
import { renderReference } from '../src/render/reference';
import { useBackend } from '../tests/helpers/backend';
import { useWebGPUBackend } from '../tests/helpers/webgpuNode';
import { cliArgs } from './cliArgs';
import { ReplicaPool } from '../src/train/replicaPool';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (args: string[], name: string, def: string) => cliArgs(args).get(name, def);

/** Wall time of f including the backend finishing its work (read back one value of every output). */
async function timed(f: () => tf.Tensor[]): Promise<number> {
  const t0 = performance.now();
  const outs = f();
  await Promise.all(outs.map((o) => o.data()));
  const ms = performance.now() - t0;
  tf.dispose(outs);
  return ms;
}

async function best(f: () => tf.Tensor[], reps = 2): Promise<number> {
  await timed(f); // warm-up: pipelines, allocations
  let m = Infinity;
  for (let i = 0; i < reps; i++) m = Math.min(m, await timed(f));
  return m;
}

async function stages(tr: Trainer) {
  const { cfg, dcfg, t } = tr;
  const n = t.batch;
  const G = tr.G as unknown as Record<string, tf.Tensor>;
  const gVars = Object.values(tr.G).filter((v) => v.trainable);
  const dVars = Object.values(tr.D);
  const planesOf = () => {
    const w = mappingW(cfg, G, randnTensor([n, cfg.zDim], 1) as tf.Tensor2D, null);
    return synthesizePlanes(cfg, G, tf.tile(tf.expandDims(w, 1), [1, numWs(cfg), 1]) as tf.Tensor3D, { noiseMode: 'const' });
  };
  const synthesis = await best(() => tf.tidy(() => Object.values(tf.variableGrads(() => tf.mean(planesOf()) as tf.Scalar, gVars).grads)));
  const planes = tf.tidy(planesOf);
  const ws = tf.zeros([n, numWs(cfg), cfg.wDim]) as tf.Tensor3D;
  const pts = t.patch * t.patch * (t.coarse + t.fine);
  const points = tf.tensor3d(Float32Array.from(new MT19937(5).rand(n * pts * 3), (u) => (2 * u - 1) * cfg.camera.cubeScale), [n, pts, 3]);
  const sampling = await best(() => tf.tidy(() => tf.grads((p: tf.Tensor) => tf.mean(sampleTriplane(cfg, p as tf.Tensor4D, points)))([planes])));
  const cams = Array.from({ length: n }, (_, i) => cameraFromAngles(0.3 * i, 1.3, cfg.camera.radius, cfg.camera.fovDeg));
  const patches = Array.from({ length: n }, () => ({ scale: 0.5, offsetX: 0.2, offsetY: 0.3 }));
  const render = await best(() =>
    tf.tidy(() =>
      tf.grads((p: tf.Tensor) =>
        tf.mean(renderReference(cfg, G, p as tf.Tensor4D, ws, cams, { resolution: t.patch, patches, coarse: t.coarse, fine: t.fine, bgSteps: t.bgSteps, seed: 3, chunkRays: 1 << 16 }).rgb),
      )([planes]),
    ),
  );
  const real = tr.realBatch(patches);
  const patchT = tf.tensor2d(patches.flatMap((p) => [p.scale, p.offsetX, p.offsetY]), [n, 3]);
  const dIn = { images: real.images, patch: patchT, angles: real.angles };
  const d = await best(() => tf.tidy(() => Object.values(tf.variableGrads(() => tf.mean(discriminate(dcfg, tr.D, dIn)) as tf.Scalar, dVars).grads)));
  const r1 = await best(() => tf.tidy(() => Object.values(tf.variableGrads(() => r1Penalty(dcfg, tr.D, dIn, t.gamma), dVars).grads)));
  tf.dispose([planes, ws, points, real.images, real.angles, patchT]);
  const s = (ms: number) => +(ms / 1000).toFixed(3);
  // render includes its own tri-plane lookups; "decoder+compositing" is the rest of it.
  return { synthesis: s(synthesis), sampling: s(sampling), decoderCompositing: s(Math.max(0, render - sampling)), D: s(d), R1: s(r1) };
}

/**
 * `--workers K,…`: the CLI trainer's worker threads (src/train/replicaPool.ts) on tfjs-wasm. After the warm-up
 * step (step 0, with R1) it times steps 1…16, so the mean includes exactly one lazy R1 step (step 16).
 */
async function benchWorkers(workers: number[], patches: number[], batch: number, presetName: string, filters: string[]) {
  const out = mkdtempSync(join(tmpdir(), 'bench-train-'));
  try {
    for (const patch of patches) {
      for (const k of workers) for (const patchFilter of filters) {
        const argv = ['--dataset', 'procedural:8:4', '--res', '64', '--background', 'env', '--preset', presetName, '--patch', String(patch), '--batch', String(batch), '--steps', String(1e6 / batch), '--seed', '0', '--out', out, '--patch-filter', patchFilter];
        const head = { backend: 'wasm', preset: presetName, patch, batch, sampler: 'fused', workers: k, patchFilter };
        const pool = await ReplicaPool.start(k, argv);
        try {
          const t0 = performance.now();
          await pool.trainStep();
          const warmup = (performance.now() - t0) / 1000;
          const t1 = performance.now();
          for (let i = 0; i < 16; i++) await pool.trainStep();
          const stepSeconds = (performance.now() - t1) / 1000 / 16;
          console.log(JSON.stringify({ ...head, secondsPer1kImages: +((stepSeconds / batch) * 1000).toFixed(1), stepSeconds: +stepSeconds.toFixed(3), warmupStepSeconds: +warmup.toFixed(2), steps: 16, r1Steps: 1 }));
        } catch (e) {
          console.log(JSON.stringify({ ...head, error: String((e as Error).message ?? e).slice(0, 200) }));
        } finally {
          await pool.stop();
        }
      }
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export async function main(args: string[]) {
  if (args.includes('--workers'))
    return benchWorkers(arg(args, 'workers', '1,2').split(',').map(Number), arg(args, 'patches', '32,64').split(',').map(Number), Number(arg(args, 'batch', '8')), arg(args, 'preset', 'tiny'), arg(args, 'patch-filters', 'point').split(','));
  const backends = arg(args, 'backends', 'wasm,webgpu').split(',');
  const patchList = arg(args, 'patches', '32,64').split(',').map(Number);
  const samplers = arg(args, 'samplers', 'fused,gather').split(',') as TriplaneSampler[];
  const batch = Number(arg(args, 'batch', '8'));
  const steps = Number(arg(args, 'steps', '2'));
  const presetName = arg(args, 'preset', 'tiny') as PresetName;
  const cfg = preset(presetName);
  const data = proceduralDataset({ seed: 0, objects: 8, views: 4, resolution: 64, background: 'env', aa: 1 });
  for (const backend of backends) {
    if (backend === 'webgpu') {
      await useWebGPUBackend();
      tf.env().set('WEBGPU_CPU_FORWARD', false);
    } else await useBackend(backend as 'cpu' | 'wasm');
    for (const patch of patchList) {
      for (const sampler of samplers) {
        setTriplaneSampler(sampler);
        const tr = new Trainer(cfg, dConfigFor(presetName, data.resolution, patch), trainOptionsFor(cfg, { batch, patch, gamma: 0.05, totalImages: 1e6 }), data, 0);
        const head = { backend, preset: presetName, patch, batch, sampler };
        try {
          const t0 = performance.now();
          await tr.trainStep(); // step 0: warm-up, includes R1
          const warmup = (performance.now() - t0) / 1000;
          const times: number[] = [];
          for (let i = 0; i < steps; i++) {
            const s0 = performance.now();
            await tr.trainStep();
            times.push((performance.now() - s0) / 1000);
          }
          const stepSeconds = times.reduce((a, b) => a + b, 0) / times.length;
          const st = await stages(tr);
          console.log(
            JSON.stringify({
              ...head,
              secondsPer1kImages: +(((stepSeconds + st.R1 / 16) / batch) * 1000).toFixed(1),
              stepSeconds: +stepSeconds.toFixed(3),
              warmupStepSeconds: +warmup.toFixed(2),
              steps,
              stagesSeconds: st,
              liveTensors: tf.memory().numTensors,
            }),
          );
        } catch (e) {
          // e.g. the wasm heap (≤ 4 GB) cannot hold a large patch's backward pass: report it, go on.
          console.log(JSON.stringify({ ...head, error: String((e as Error).message ?? e).slice(0, 200) }));
        }
        tr.dispose();
      }
    }
  }
}
