/**
 * The `official` code path against the official EpiGRAF implementation's own outputs
 * (../shared/reference/official-vectors: random perturbed weights, float32, CPU). The weights take the path a
 * user's checkpoint takes: the exported container → `importOfficial` → viewer weights (float32) → `loadWeights`.
 */
import { readFileSync } from 'node:fs';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend, maxAbsDiff, nchwToNhwc } from '../helpers/backend';
import { loadOfficialVectors, vectorsBin, vectorsJson } from '../helpers/officialVectors';
import { importOfficial } from '../../src/model/officialImport';
import { encodeWeights, loadWeights, memorySource } from '../../src/model/weights';
import { paramsFromArrays } from '../../src/model/tensors';
import { mapping } from '../../src/model/mapping';
import { synthesizePlanes } from '../../src/model/synthesis';
import { queryTriplane } from '../../src/model/triplane';
import { backgroundInr } from '../../src/model/background';
import { zFromSeed } from '../../src/model/prng';
import { cameraFromAngles } from '../../src/render/camera';
import { renderReference } from '../../src/render/reference';
import type { Params } from '../../src/model/layers';

const v = loadOfficialVectors();
const cfg = v.config;
let params: Params;
let ws: tf.Tensor3D;
let planes: tf.Tensor4D;

/** Max |Δ| per compared array, printed at the end (the README and the issue quote them). */
const report: string[] = [];

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, relTol: number, label: string) {
  const { diff, scale } = maxAbsDiff(actual, expected);
  report.push(`${label}: max |Δ| ${diff.toExponential(2)} (max |ref| ${scale.toFixed(3)})`);
  // Relative to the tensor's own magnitude: float32 rounding differences between PyTorch and tfjs.
  expect(diff, `${label}: max |Δ| = ${diff} (scale ${scale})`).toBeLessThanOrEqual(relTol * Math.max(scale, 1));
  // And the absolute bound (raw image space for the images).
  expect(diff, `${label}: max |Δ| = ${diff}`).toBeLessThanOrEqual(1e-3);
}

const cams = () => {
  const a = v.get('io/camera_angles').data;
  return [0, 1, 2].map((k) => cameraFromAngles(a[3 * k], a[3 * k + 1], cfg.camera.radius, cfg.camera.fovDeg));
};

describe('official EpiGRAF equality (random perturbed weights)', () => {
  beforeAll(async () => {
    await useBackend((process.env.TFJS_BACKEND as 'cpu' | 'wasm') ?? 'wasm');
    const imported = importOfficial(readFileSync(vectorsJson(), 'utf8'), readFileSync(vectorsBin()), { json: 'epigraf-small.json', bin: 'epigraf-small.bin' }, { name: cfg.name, rayStepMultiplier: 1 });
    expect(imported.config).toEqual(cfg);
    const enc = encodeWeights(imported.config, imported.arrays, { meta: imported.meta });
    const files = new Map<string, Uint8Array | string>([['model.json', JSON.stringify(enc.modelJson)], ...enc.shards.map((x) => [x.path, x.data] as [string, Uint8Array])]);
    const loaded = await loadWeights(memorySource(files));
    params = paramsFromArrays(loaded.config, loaded.arrays);
    ws = mapping(cfg, params, tf.tensor2d(v.get('io/z').data, [2, cfg.zDim]), null);
    planes = synthesizePlanes(cfg, params, ws, { noiseMode: 'const' });
  });

  afterAll(() => console.log(`official equality (${tf.getBackend()}):\n  ${report.join('\n  ')}`));

  it('seed → z equals np.random.RandomState(seed).randn(512) bit for bit', () => {
    const z = v.get('io/z').data;
    expect(Array.from(zFromSeed(0, 512))).toEqual(Array.from(z.slice(0, 512)));
    expect(Array.from(zFromSeed(1, 512))).toEqual(Array.from(z.slice(512)));
  });

  it('mapping gives io/ws', async () => {
    expect(ws.shape).toEqual(v.get('io/ws').shape);
    expectClose(await ws.data(), v.get('io/ws').data, 1e-5, 'ws');
  });

  it('synthesis gives io/planes (three planes × 32 channels)', async () => {
    const ref = v.get('io/planes');
    expect(planes.shape).toEqual([2, 32, 32, 96]);
    expectClose(await planes.data(), nchwToNhwc(ref.data, ref.shape), 2e-5, 'planes');
  });

  it('tri-plane sampling + decoder give io/tp_decoded_rgb_sigma_raw', async () => {
    const pts = v.get('io/tp_query_points_world');
    const out = queryTriplane(cfg, params, planes, tf.tensor3d(pts.data, pts.shape as [number, number, number]));
    expectClose(await out.data(), v.get('io/tp_decoded_rgb_sigma_raw').data, 2e-5, 'decoded');
  });

  it('background INR gives io/bg_inr_rgb_sigma_raw', async () => {
    const pts = v.get('io/bg_query_points');
    const out = backgroundInr(cfg, params, ws, tf.tensor3d(pts.data, pts.shape as [number, number, number]));
    expectClose(await out.data(), v.get('io/bg_inr_rgb_sigma_raw').data, 2e-5, 'bg');
  });

  for (const k of [0, 1, 2]) {
    it(`deterministic render, camera ${k}: image, foreground only, background only, depth`, async () => {
      const cam = cams()[k];
      const base = { resolution: 32, coarse: 48, fine: 48, bgSteps: cfg.background.steps, deterministic: true };
      const full = renderReference(cfg, params, planes, ws, [cam, cam], base);
      const fg = renderReference(cfg, params, planes, ws, [cam, cam], { ...base, ignoreBg: true });
      const bg = renderReference(cfg, params, planes, ws, [cam, cam], { ...base, bgOnly: true });
      const img = (name: string) => { const t = v.get(name); return nchwToNhwc(t.data, t.shape); };
      expectClose(await full.rgb.data(), img(`io/img_det_cam${k}`), 1e-4, `img_det_cam${k}`);
      expectClose(await fg.rgb.data(), img(`io/img_fg_only_det_cam${k}`), 1e-4, `img_fg_only_det_cam${k}`);
      expectClose(await bg.rgb.data(), img(`io/img_bg_only_det_cam${k}`), 1e-4, `img_bg_only_det_cam${k}`);
      expectClose(await full.depth.data(), img(`io/depth_det_cam${k}`), 1e-4, `depth_det_cam${k}`);
    });

    it(`official stochastic render with its realised sample depths, camera ${k}`, async () => {
      const cam = cams()[k];
      const inject = { coarseZ: v.get(`io/coarse_z_vals_stoch_cam${k}`).data, fineZ: v.get(`io/fine_z_vals_stoch_cam${k}`).data };
      const out = renderReference(cfg, params, planes, ws, [cam, cam], { resolution: 32, coarse: 48, fine: 48, inject });
      const t = v.get(`io/img_stoch_cam${k}`);
      expectClose(await out.rgb.data(), nchwToNhwc(t.data, t.shape), 1e-4, `img_stoch_cam${k}`);
    });
  }
});
