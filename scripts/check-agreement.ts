/**
 * `npm run check:agreement [-- --cases tiny,small,official,public/weights/tiny-env]`: the WGSL ray-marcher
 * against the tfjs reference renderer on this machine's WebGPU adapter, one JSON line per case and camera with
 * the max abs errors of rgb (display space), opacity and depth. The webgpu test tier asserts the same comparison
 * (≤ 2e-3) on lavapipe; this reports it on whatever adapter runs it (a real GPU's arithmetic differs).
 * A case is a preset (random weights) or a weights directory (the default view, yaw 0.5, pitch 1.25).
 * --lanes a,b repeats every case per ray-march lane count (default: the renderer's choice for the adapter), since
 * a missing barrier between lanes shows only where lanes really run in parallel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { useWebGPUBackend, adapterDescription } from '../tests/helpers/webgpuNode';
import { agreementCameras, compareWithReference } from '../tests/helpers/renderAgreement';
import { preset, type PresetName } from '../src/model/config';
import { Generator } from '../src/model/generator';
import { cameraFromAngles, type Camera } from '../src/render/camera';
import { WgslRenderer } from '../src/render/wgslRenderer';
import { loadWeights } from '../src/model/weights';
import { dirSource } from '../src/model/weightsNode';
import { cliArgs, laneCounts } from './cliArgs';

export async function main(args: string[]) {
  const cases = cliArgs(args).get('cases', 'tiny,small,official').split(',').filter(Boolean);
  const lanesList = laneCounts(args);
  const adapter = await adapterDescription();
  await useWebGPUBackend();
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  const e = (x: number) => +x.toExponential(2);
  for (const c of cases) {
    const trained = c.includes('/');
    const g = trained ? await loadWeights(dirSource(c)).then((w) => Generator.fromArrays(w.config, w.arrays)) : Generator.random(preset(c as PresetName), 21, { perturb: 0.05 });
    const cfg = g.config;
    const ws = g.mapping(g.latents([5]), null, { psi: 0.7 });
    const planes = g.synthesize(ws, { noiseMode: 'const' });
    // The official preset's 192 samples per pixel: keep its images small, as the test does.
    const res = cfg.name === 'official' ? 16 : 24;
    const cams: [string, Camera][] = trained ? [['yaw 0.5, pitch 1.25', cameraFromAngles(0.5, 1.25, cfg.camera.radius, cfg.camera.fovDeg)]] : agreementCameras();
    for (const lanes of lanesList) {
      const r = await WgslRenderer.create(cfg, g.params, { marchLanes: lanes });
      await r.setLatent(planes, ws);
      for (const [camera, cam] of cams) {
        const { rgbErr, opErr, depthErr } = await compareWithReference(cfg, g.params, planes, ws, r, cam, res);
        console.log(JSON.stringify({ adapter, case: c, lanes: r.marchTileFor(res, res).lanes, camera, res, rgbErr: e(rgbErr), opacityErr: e(opErr), depthErr: e(depthErr) }));
      }
      r.destroy();
    }
    tf.dispose([ws, planes]);
    g.dispose();
  }
}
