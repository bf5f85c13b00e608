/**
 * `npm run bench:render`: the WGSL ray-marcher against the tfjs reference renderer on the same adapter, one
 * JSON object per line on stdout. Options: --size N (default 64), --frames N (default 5), --presets a,b,
 * --weights DIR[,DIR] (viewer weights of trained models: one case each, seed 0, ψ = 0.7; `--presets ''` for
 * these alone). Random-weight cases measure speed; the structured scene (a compact opaque object) measures
 * empty-space skipping, which has nothing to skip in a random generator's uniform fog.
 */
import * as tf from '@tensorflow/tfjs-core';
import { useWebGPUBackend, installNodeWebGPU } from '../tests/helpers/webgpuNode';
import { blobScene, psnr } from '../tests/helpers/scenes';
import { preset, type ModelConfig, type PresetName } from '../src/model/config';
import { Generator } from '../src/model/generator';
import type { Params } from '../src/model/layers';
import { cameraFromAngles } from '../src/render/camera';
import { renderReference } from '../src/render/reference';
import { WgslRenderer } from '../src/render/wgslRenderer';
import { cliArgs } from './cliArgs';
import { loadWeights } from '../src/model/weights';
import { dirSource } from '../src/model/weightsNode';

const arg = (args: string[], name: string, def: string) => cliArgs(args).get(name, def);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function benchCase(label: string, cfg: ModelConfig, params: Params, planes: tf.Tensor4D, ws: tf.Tensor3D, size: number, frames: number, adapter: string) {
  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  const r = await WgslRenderer.create(cfg, params);
  await r.setLatent(planes, ws);
  const cam = cameraFromAngles(0.5, 1.25, cfg.camera.radius, cfg.camera.fovDeg);
  const opts = { width: size, height: size, deterministic: true };
  // warm-up (pipeline creation, first dispatch)
  r.render(cam, { ...opts, skipping: true });
  await r.read();
  const times: number[] = [];
  for (let i = 0; i < frames; i++) {
    const t0 = performance.now();
    r.render(cam, { ...opts, skipping: true });
    await device.queue.onSubmittedWorkDone();
    times.push(performance.now() - t0);
  }
  const skip = await r.read();
  r.render(cam, { ...opts, skipping: false });
  const full = await r.read();
  const refTimes: number[] = [];
  const refRuns = Math.max(1, Math.min(3, frames));
  for (let i = 0; i < refRuns + 1; i++) {
    const t0 = performance.now();
    const out = renderReference(cfg, params, planes, ws, [cam], { resolution: size, deterministic: true, chunkRays: 4096 });
    await out.rgb.data();
    if (i > 0) refTimes.push(performance.now() - t0); // the first run compiles tfjs's pipelines
    tf.dispose([out.rgb, out.depth, out.opacity]);
  }
  r.destroy();
  const wgslMs = median(times);
  const referenceMs = median(refTimes);
  const rgb = (a: Float32Array) => a.filter((_, i) => i % 4 !== 3);
  console.log(
    JSON.stringify({
      case: label,
      adapter,
      preset: cfg.name,
      width: size,
      height: size,
      coarse: cfg.samples.coarse,
      fine: cfg.samples.fine,
      bgSteps: cfg.background.enabled ? cfg.background.steps : 0,
      wgslMs: +wgslMs.toFixed(2),
      referenceMs: +referenceMs.toFixed(1),
      speedup: +(referenceMs / wgslMs).toFixed(1),
      decoderEvalsPerPixel: +skip.evalsPerPixel.toFixed(2),
      naiveEvalsPerPixel: cfg.samples.coarse + cfg.samples.fine,
      psnrVsNoSkip: +psnr(rgb(skip.rgba), rgb(full.rgba)).toFixed(1),
    }),
  );
}

export async function main(args: string[]) {
  const size = Number(arg(args, 'size', '64'));
  const frames = Number(arg(args, 'frames', '5'));
  const presets = arg(args, 'presets', 'tiny,small').split(',').filter(Boolean) as PresetName[];
  const trained = arg(args, 'weights', '').split(',').filter(Boolean);
  const gpu = await installNodeWebGPU();
  const info = (await gpu.requestAdapter())!.info;
  const adapter = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' / ');
  await useWebGPUBackend();
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  for (const name of presets) {
    const cfg = preset(name);
    const g = Generator.random(cfg, 1, { perturb: 0.05 });
    const ws = g.mapping(g.latents([3]), null, { psi: 0.7 });
    const planes = g.synthesize(ws);
    await benchCase(`${name}-random`, cfg, g.params, planes, ws, size, frames, adapter);
    const scene = blobScene(cfg, g.params);
    await benchCase(`${name}-structured`, cfg, scene.params, scene.planes, ws, size, frames, adapter);
    tf.dispose([ws, planes, scene.planes]);
    g.dispose();
  }
  for (const dir of trained) {
    const w = await loadWeights(dirSource(dir));
    const g = Generator.fromArrays(w.config, w.arrays);
    const ws = g.mapping(g.latents([0]), null, { psi: 0.7 });
    const planes = g.synthesize(ws, { noiseMode: 'const' });
    await benchCase(`${dir.split('/').filter(Boolean).pop()}-trained`, g.config, g.params, planes, ws, size, frames, adapter);
    tf.dispose([ws, planes]);
    g.dispose();
  }
}
