/**
 * Empty-space skipping must not change the picture (PSNR ≥ 40 dB against the same renderer without it) while
 * cutting decoder evaluations; progressive accumulation converges to the mean of jittered frames.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useWebGPUBackend } from '../helpers/webgpuNode';
import { blobScene, psnr } from '../helpers/scenes';
import { preset } from '../../src/model/config';
import { Generator } from '../../src/model/generator';
import { cameraFromAngles } from '../../src/render/camera';
import { WgslRenderer } from '../../src/render/wgslRenderer';
import { MARCH_LANES } from '../../src/render/raymarchPass';
import { MULTI_LANE_MAX_PIXELS } from '../../src/render/marchPasses';
import { renderReference } from '../../src/render/reference';

/** Measured ratio of decoder evaluations with / without fine-sample interpolation on these views, plus margin. */
const INTERP_BOUND = 0.75; // measured 0.63 and 0.65 (2026-11-25)

const rgbOf = (rgba: Float32Array) => rgba.filter((_, i) => i % 4 !== 3);

describe('empty-space skipping and progressive refinement (structured scene)', () => {
  const cfg = preset('tiny');
  let g: Generator;
  let r: WgslRenderer;
  /** The GPUs' lane counts (lavapipe's default is one lane): with MARCH_LANES, skipping stops rays per chunk of lanes. */
  let rLanes: WgslRenderer;
  let scene: ReturnType<typeof blobScene>;
  let ws: tf.Tensor3D;

  beforeAll(async () => {
    await useWebGPUBackend();
    g = Generator.random(cfg, 3, { perturb: 0.05 });
    scene = blobScene(cfg, g.params);
    ws = g.mapping(g.latents([2]));
    r = await WgslRenderer.create(cfg, scene.params);
    await r.setLatent(scene.planes, ws);
    rLanes = await WgslRenderer.create(cfg, scene.params, { marchLanes: [1, MARCH_LANES] });
    await rLanes.setLatent(scene.planes, ws);
  });
  afterAll(() => {
    r?.destroy();
    rLanes?.destroy();
    g?.dispose();
  });

  it('the occupancy grid marks the blob and leaves most of the box empty', async () => {
    const occ = await r.readOccupancy();
    const filled = occ.reduce((a, b) => a + b, 0) / occ.length;
    expect(filled).toBeGreaterThan(0.005);
    expect(filled).toBeLessThan(0.1);
    const g64 = 64;
    const centre = occ[(32 * g64 + 32) * g64 + 32];
    const corner = occ[0];
    expect([centre, corner]).toEqual([1, 0]);
  });

  it('lavapipe marches one lane per ray; a GPU MARCH_LANES on frames under MULTI_LANE_MAX_PIXELS and one lane on larger ones', () => {
    expect(MULTI_LANE_MAX_PIXELS).toBe(128 * 128);
    expect([r.marchTileFor(24, 24).lanes, r.marchTileFor(512, 512).lanes]).toEqual([1, 1]); // a software adapter
    expect(rLanes.marchTileFor(24, 24)).toMatchObject({ lanes: MARCH_LANES, memory: 'workgroup' });
    expect(rLanes.marchTileFor(127, 128).lanes).toBe(MARCH_LANES);
    expect(rLanes.marchTileFor(128, 128)).toMatchObject({ lanes: 1, memory: 'private' });
  });

  const views = [[0.4, 1.2], [2.2, 0.3]] as const;
  for (const lanes of ['one lane', 'the GPU small-frame lanes'] as const) {
    for (const [yaw, pitch] of views) {
      it(`same picture with and without skipping, far fewer decoder evaluations (yaw ${yaw}, pitch ${pitch}, ${lanes})`, async () => {
        const rr = lanes === 'one lane' ? r : rLanes;
        const opts = { width: 24, height: 24, deterministic: true };
        expect(rr.marchTileFor(opts.width, opts.height).lanes).toBe(lanes === 'one lane' ? 1 : MARCH_LANES);
        const cam = cameraFromAngles(yaw, pitch, 1, 30);
        rr.render(cam, { ...opts, skipping: false });
        const full = await rr.read();
        rr.render(cam, { ...opts, skipping: true });
        const skip = await rr.read();
        const naive = cfg.samples.coarse + cfg.samples.fine;
        expect(full.evalsPerPixel).toBe(naive);
        expect(psnr(rgbOf(skip.rgba), rgbOf(full.rgba))).toBeGreaterThanOrEqual(40);
        if (lanes === 'one lane') {
          // The object covers about a quarter of the view; with fine samples interpolated on smooth stretches at
          // the surface, 4.93 and 4.94 evaluations per pixel were measured on these two views (2026-11-27): bound
          // 48 / 8 = 6, the target.
          expect(skip.evalsPerPixel).toBeLessThanOrEqual(naive / 8);
        } else {
          // With lanes, a ray that turns opaque during the coarse samples stops only after its chunk of
          // MARCH_LANES: at most MARCH_LANES − 1 more evaluations than one lane, on the opaque pixels alone.
          r.render(cam, { ...opts, skipping: true });
          const one = await r.read();
          const opaque = skip.rgba.filter((v, i) => i % 4 === 3 && v > 0.999).length / (opts.width * opts.height);
          expect(opaque).toBeGreaterThan(0.1);
          console.log(`yaw ${yaw}: evals/pixel ${skip.evalsPerPixel.toFixed(2)} with ${MARCH_LANES} lanes, ${one.evalsPerPixel.toFixed(2)} with one; ${(100 * opaque).toFixed(1)} % of pixels opaque`);
          expect(skip.evalsPerPixel).toBeLessThanOrEqual(one.evalsPerPixel + (MARCH_LANES - 1) * opaque);
          expect(skip.evalsPerPixel).toBeLessThanOrEqual(naive / 4);
        }
        // Interpolating fine samples on smooth stretches (fineSamples.wgsl) keeps the picture and decodes fewer.
        rr.render(cam, { ...opts, skipping: true, interpolateFine: false });
        const decodedAll = await rr.read();
        console.log(`yaw ${yaw}, ${rr.marchTileFor(opts.width, opts.height).lanes} lanes: evals/pixel ${skip.evalsPerPixel.toFixed(2)} (without interpolation ${decodedAll.evalsPerPixel.toFixed(2)}), PSNR ${psnr(rgbOf(skip.rgba), rgbOf(full.rgba)).toFixed(1)} dB (${psnr(rgbOf(decodedAll.rgba), rgbOf(full.rgba)).toFixed(1)} dB)`);
        expect(psnr(rgbOf(decodedAll.rgba), rgbOf(full.rgba))).toBeGreaterThanOrEqual(40);
        expect(skip.evalsPerPixel).toBeLessThanOrEqual(INTERP_BOUND * decodedAll.evalsPerPixel);
        // the object is in view: some pixels are opaque, some see the background
        const op = full.rgba.filter((_, i) => i % 4 === 3);
        expect(Math.max(...op)).toBeGreaterThan(0.99);
        expect(Math.min(...op)).toBeLessThan(0.01);
      });
    }
  }

  it('the reference renderer agrees on the structured scene too', async () => {
    const cam = cameraFromAngles(0.4, 1.2, 1, 30);
    const ref = renderReference(cfg, scene.params, scene.planes, ws, [cam], { resolution: 16, deterministic: true });
    const refRgb = await ref.rgb.data();
    r.render(cam, { width: 16, height: 16, deterministic: true, skipping: true });
    const img = await r.read();
    expect(psnr(rgbOf(img.rgba), refRgb)).toBeGreaterThanOrEqual(40);
  });

  it('a frame drawn in bands of rows equals the frame drawn at once, with one lane and with MARCH_LANES', async () => {
    const cam = cameraFromAngles(0.4, 1.2, 1, 30);
    const [width, height] = [16, 13];
    const draw = async (renderer: WgslRenderer, bands: [number, number][]) => {
      for (let n = 0; n < 2; n++) {
        const o = { width, height, frameIndex: n, seed: 4, jitter: [0.25 * n, -0.125 * n] as [number, number], skipping: true, blend: 1 / (n + 1) };
        for (const rows of bands) renderer.render(cam, { ...o, rows });
      }
      return { frame: await renderer.read('frame'), accum: (await renderer.read('accum')).rgba };
    };
    for (const renderer of [r, rLanes]) {
      const whole = await draw(renderer, [[0, height]]);
      const banded = await draw(renderer, [[0, 5], [5, 6], [6, 13]]);
      expect(banded.frame.rgba).toEqual(whole.frame.rgba);
      expect(banded.frame.depth).toEqual(whole.frame.depth);
      expect(banded.accum).toEqual(whole.accum);
      expect(banded.frame.evalsPerPixel).toBe(whole.frame.evalsPerPixel);
      expect(whole.frame.evalsPerPixel).toBeGreaterThan(0); // the object is in view: the count is not vacuous
    }
    expect(() => r.render(cam, { width, height, rows: [5, 5] })).toThrow(/rows must be a band \[start, end\) within the frame's 13 rows/);
    expect(() => r.render(cam, { width, height, rows: [0, 14] })).toThrow(/rows must be a band/);
  });

  it('progressive refinement: the accumulation buffer is the running mean of jittered frames', async () => {
    const cam = cameraFromAngles(0.4, 1.2, 1, 30);
    const frames: Float32Array[] = [];
    const jitters: [number, number][] = [[0, 0], [0.25, -0.25], [-0.25, 0.25], [0.375, 0.125]];
    for (let n = 0; n < jitters.length; n++) {
      r.render(cam, { width: 16, height: 16, frameIndex: n, seed: 1, jitter: jitters[n], skipping: true, blend: 1 / (n + 1) });
      frames.push((await r.read('frame')).rgba);
    }
    const acc = (await r.read('accum')).rgba;
    let maxErr = 0;
    for (let i = 0; i < acc.length; i++) maxErr = Math.max(maxErr, Math.abs(acc[i] - frames.reduce((a, f) => a + f[i], 0) / frames.length));
    expect(maxErr).toBeLessThan(1e-5);
    // jittered frames differ (otherwise accumulation would be pointless)
    expect(Math.max(...frames[0].map((v, i) => Math.abs(v - frames[1][i])))).toBeGreaterThan(1e-3);
  });
});
