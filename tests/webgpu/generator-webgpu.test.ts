/**
 * The model core on tfjs's WebGPU backend (Node + Dawn + Mesa lavapipe) agrees with the official vectors
 * and with the CPU path. This is the backend the viewer and the in-tab trainer run on.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend, maxAbsDiff, nchwToNhwc } from '../helpers/backend';
import { useWebGPUBackend, installNodeWebGPU } from '../helpers/webgpuNode';
import { loadOfficialVectors } from '../helpers/officialVectors';
import { fromOfficialState } from '../../src/model/official';
import { preset } from '../../src/model/config';
import { Generator } from '../../src/model/generator';
import { cameraFromAngles } from '../../src/render/camera';
import { renderReference } from '../../src/render/reference';

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, relTol: number, label: string) {
  const { diff, scale } = maxAbsDiff(actual, expected);
  expect(diff, `${label}: max |Δ| = ${diff} (scale ${scale})`).toBeLessThanOrEqual(relTol * Math.max(scale, 1));
}

describe('model core on WebGPU (lavapipe)', () => {
  beforeAll(async () => {
    const gpu = await installNodeWebGPU();
    const adapter = await gpu.requestAdapter();
    expect(adapter, 'a WebGPU adapter').toBeTruthy();
  });

  it('official vectors: ws, planes and a deterministic image', async () => {
    await useWebGPUBackend();
    expect(tf.getBackend()).toBe('webgpu');
    const v = loadOfficialVectors();
    const cfg = v.config;
    const g = Generator.fromArrays(cfg, fromOfficialState(cfg, v.state()));
    const ws = g.mapping(tf.tensor2d(v.get('io/z').data, [2, cfg.zDim]));
    expectClose(await ws.data(), v.get('io/ws').data, 1e-5, 'ws');
    const planes = g.synthesize(ws, { noiseMode: 'const' });
    const ref = v.get('io/planes');
    expectClose(await planes.data(), nchwToNhwc(ref.data, ref.shape), 5e-5, 'planes');
    const a = v.get('io/camera_angles').data;
    const cam = cameraFromAngles(a[3], a[4], 1, cfg.camera.fovDeg);
    const out = renderReference(cfg, g.params, planes, ws, [cam, cam], { resolution: 32, coarse: 48, fine: 48, deterministic: true });
    const img = v.get('io/img_det_cam1');
    expectClose(await out.rgb.data(), nchwToNhwc(img.data, img.shape), 2e-4, 'img_det_cam1');
    g.dispose();
  });

  it('tiny preset: WebGPU equals the wasm path (synthesis + reference render)', async () => {
    const cfg = preset('tiny');
    const run = async () => {
      const g = Generator.random(cfg, 9, { perturb: 0.05 });
      const ws = g.mapping(g.latents([42]), null, { psi: 0.7 });
      const planes = g.synthesize(ws);
      const out = renderReference(cfg, g.params, planes, ws, [cameraFromAngles(0.5, 1.2, 1, 30)], { resolution: 16, deterministic: true });
      const res = { planes: await planes.data(), rgb: await out.rgb.data(), depth: await out.depth.data() };
      g.dispose();
      tf.dispose([ws, planes, out.rgb, out.depth, out.opacity]);
      return res;
    };
    await useBackend('wasm');
    const cpu = await run();
    await useWebGPUBackend();
    const gpu = await run();
    expectClose(gpu.planes, cpu.planes, 5e-5, 'planes');
    expectClose(gpu.rgb, cpu.rgb, 2e-4, 'rgb');
    expectClose(gpu.depth, cpu.depth, 2e-4, 'depth');
  });
});
