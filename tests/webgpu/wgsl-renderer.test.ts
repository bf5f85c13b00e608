/**
 * The WGSL ray-marcher against its twin, the tfjs reference renderer, on the same adapter with the same
 * deterministic samples (colours compared in display space [0, 1]).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useWebGPUBackend } from '../helpers/webgpuNode';
import { preset, type ModelConfig } from '../../src/model/config';
import { Generator } from '../../src/model/generator';
import { cameraFromAngles, type Camera } from '../../src/render/camera';
import type { ReferenceRenderOptions } from '../../src/render/reference';
import { WgslRenderer } from '../../src/render/wgslRenderer';
import { RaymarchPass, marchTile } from '../../src/render/raymarchPass';
import { BackgroundPass } from '../../src/render/backgroundPass';
import { OccupancyPass } from '../../src/render/occupancyPass';
import { checkedShaderModule } from '../../src/render/gpu';
import { compareWithReference, agreementCameras } from '../helpers/renderAgreement';

// The module's latent, set by each describe's setup.
const compare = (cfg: ModelConfig, g: Generator, r: WgslRenderer, cam: Camera, res: number, extra: Partial<ReferenceRenderOptions> = {}) =>
  compareWithReference(cfg, g.params, planesT!, wsT!, r, cam, res, extra);

let planesT: tf.Tensor4D | null = null;
let wsT: tf.Tensor3D | null = null;

describe('WGSL renderer equals the reference renderer (tiny preset, random weights)', () => {
  const cfg = preset('tiny');
  let g: Generator;
  let r: WgslRenderer;

  beforeAll(async () => {
    await useWebGPUBackend();
    g = Generator.random(cfg, 21, { perturb: 0.05 });
    wsT = g.mapping(g.latents([5]), null, { psi: 0.7 });
    planesT = g.synthesize(wsT);
    r = await WgslRenderer.create(cfg, g.params);
    await r.setLatent(planesT, wsT);
  });
  afterAll(() => {
    r?.destroy();
    g?.dispose();
  });

  for (const [name, cam] of agreementCameras()) {
    it(`full image, ${name}`, async () => {
      const { rgbErr, opErr, depthErr } = await compare(cfg, g, r, cam, 12);
      expect(rgbErr, 'rgb').toBeLessThanOrEqual(2e-3);
      expect(opErr, 'opacity').toBeLessThanOrEqual(2e-3);
      expect(depthErr, 'depth').toBeLessThanOrEqual(2e-3);
    });
  }

  it('foreground only and background only', async () => {
    const cam = cameraFromAngles(0.3, 1.3, 1, 30);
    const fg = await compare(cfg, g, r, cam, 10, { ignoreBg: true });
    expect(fg.rgbErr).toBeLessThanOrEqual(2e-3);
    const bg = await compare(cfg, g, r, cam, 10, { bgOnly: true });
    expect(bg.rgbErr).toBeLessThanOrEqual(2e-3);
    // the two differ (the test would be vacuous otherwise)
    expect(Math.max(...Array.from(fg.refRgb).map((v, i) => Math.abs(v - bg.refRgb[i])))).toBeGreaterThan(1e-2);
  });

  it('other sample counts (coarse 32 + fine 16, 12 background steps)', async () => {
    const { rgbErr } = await compare(cfg, g, r, cameraFromAngles(1.2, 1.7, 1, 30), 8, { coarse: 32, fine: 16, bgSteps: 12 });
    expect(rgbErr).toBeLessThanOrEqual(2e-3);
  });

  it('fine samples over several windows (70 fine samples, windows of 24)', async () => {
    expect(r.marchTileFor(8, 8).fineWindow).toBe(24);
    const { rgbErr, depthErr } = await compare(cfg, g, r, cameraFromAngles(-0.6, 1.4, 1, 30), 8, { coarse: 20, fine: 70 });
    expect(rgbErr).toBeLessThanOrEqual(2e-3);
    expect(depthErr).toBeLessThanOrEqual(2e-3);
  });

  it('every shader compiles with no errors or warnings', async () => {
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    for (const [label, code] of [['raymarch', RaymarchPass.source(cfg, marchTile(cfg, 48))], ['background', BackgroundPass.source(cfg)], ['occupancy', OccupancyPass.source(cfg)]] as const) {
      const m = device.createShaderModule({ label, code });
      const info = await m.getCompilationInfo();
      expect(info.messages.map((x) => `${x.type}: ${x.message}`)).toEqual([]);
    }
    await expect(checkedShaderModule(device, 'broken', 'fn f( {')).rejects.toThrow(/did not compile cleanly/);
  });
});

describe('WGSL renderer with the official preset’s shapes (512² × 32 × 3 planes, 64-wide decoder, 128-wide INR, 96 + 96 samples)', () => {
  it('equals the reference at a small resolution', async () => {
    await useWebGPUBackend();
    const cfg = preset('official');
    const g = Generator.random(cfg, 1, { perturb: 0.05 });
    const ws = g.mapping(g.latents([9]), null, { psi: 0.7 });
    // Synthesising 512² planes on lavapipe takes minutes; random planes exercise the same shapes and lookups.
    const planes = tf.mul(tf.randomNormal([1, 512, 512, 96], 0, 1, 'float32', 5), 0.5) as tf.Tensor4D;
    const r = await WgslRenderer.create(cfg, g.params);
    await r.setLatent(planes, ws);
    planesT = planes;
    wsT = ws;
    for (const cam of [cameraFromAngles(0.3, 1.3, 1, 30), cameraFromAngles(-1.4, 0.02, 1, 30)]) {
      const { rgbErr, depthErr } = await compare(cfg, g, r, cam, 6);
      expect(rgbErr).toBeLessThanOrEqual(2e-3);
      expect(depthErr).toBeLessThanOrEqual(2e-3);
    }
    r.destroy();
    g.dispose();
    tf.dispose([planes, ws]);
  });
});

describe('the background pass’s tiles off the presets’ path (tiny preset, background only)', () => {
  // Width 40: two thread groups and a partly used vec4; width 200: two output neurons per thread. 70 steps: a
  // pixel's steps split over several tiles (at most 32 points per thread group).
  for (const [width, steps] of [[40, [8, 70]], [200, [8, 70]]] as const) {
    it(`width ${width}, ${steps.join(' and ')} steps`, async () => {
      await useWebGPUBackend();
      const base = preset('tiny');
      const cfg = { ...base, background: { ...base.background, width } };
      const g = Generator.random(cfg, 31, { perturb: 0.1 });
      const ws = g.mapping(g.latents([3]), null, { psi: 0.7 });
      const planes = tf.mul(tf.randomNormal([1, 64, 64, 48], 0, 1, 'float32', 6), 0.5) as tf.Tensor4D;
      const r = await WgslRenderer.create(cfg, g.params);
      await r.setLatent(planes, ws);
      const cam = cameraFromAngles(-0.7, 1.9, 1, 30);
      for (const bgSteps of steps) {
        const { rgbErr, refRgb } = await compareWithReference(cfg, g.params, planes, ws, r, cam, 6, { bgOnly: true, bgSteps });
        expect(rgbErr, `${bgSteps} steps`).toBeLessThanOrEqual(2e-3);
        // a background with structure, not a constant the tiles could match by accident
        expect(Math.max(...refRgb) - Math.min(...refRgb)).toBeGreaterThan(0.05);
      }
      r.destroy();
      g.dispose();
      tf.dispose([planes, ws]);
    });
  }
});

describe('WGSL renderer off the presets’ path: 6 tri-plane channels (scalar texel reads), a two-layer decoder, 1, 8 and 32 lanes per ray', () => {
  // A small decoder keeps lavapipe's compile of each lane count's pipeline short.
  it('equals the reference', async () => {
    await useWebGPUBackend();
    const base = preset('tiny');
    const cfg: ModelConfig = { ...base, triplane: { ...base.triplane, channels: 6 }, decoder: { hidden: [12, 8] } };
    const g = Generator.random(cfg, 41, { perturb: 0.1 });
    const ws = g.mapping(g.latents([4]), null, { psi: 0.7 });
    const planes = tf.mul(tf.randomNormal([1, 64, 64, 18], 0, 1, 'float32', 8), 0.5) as tf.Tensor4D;
    for (const lanes of [8, 1, 32]) {
      const r = await WgslRenderer.create(cfg, g.params, { marchLanes: lanes });
      expect(r.marchTileFor(8, 8).lanes).toBe(lanes);
      await r.setLatent(planes, ws);
      for (const cam of [cameraFromAngles(0.4, 1.2, 1, 30), cameraFromAngles(2.2, 2.8, 1, 30)]) {
        const { rgbErr, opErr, depthErr } = await compareWithReference(cfg, g.params, planes, ws, r, cam, 8, { ignoreBg: true });
        expect(rgbErr, `${lanes} lanes`).toBeLessThanOrEqual(2e-3);
        expect(opErr, `${lanes} lanes`).toBeLessThanOrEqual(2e-3);
        expect(depthErr, `${lanes} lanes`).toBeLessThanOrEqual(2e-3);
      }
      r.destroy();
    }
    g.dispose();
    tf.dispose([planes, ws]);
  });
});
