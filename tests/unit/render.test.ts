/** Cameras, rays, inverse-sphere background coordinates and the reference renderer on crafted scenes. */
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Quaternion, Vector3 } from 'three';
import { useBackend } from '../helpers/backend';
import { preset, type ModelConfig } from '../../src/model/config';
import { Generator } from '../../src/model/generator';
import type { Params } from '../../src/model/layers';
import { MLP } from '../../src/model/params';
import {
  anglesOfCamera, cameraFromAngles, cameraFromQuaternion, inverseSpherePoints, linspace, quaternionFromAngles, rayDirections,
} from '../../src/render/camera';
import { renderReference, maxChunkRays } from '../../src/render/reference';
import { samplePdf } from '../../src/render/volume';

beforeAll(async () => { await useBackend('wasm'); });

describe('cameras', () => {
  it('the quaternion camera equals the official yaw/pitch camera', () => {
    for (const [yaw, pitch] of [[0, Math.PI / 2], [0.7, 1.1], [-2.5, 2.9], [3.1, 0.2]]) {
      const a = cameraFromAngles(yaw, pitch, 1.3, 30);
      const b = cameraFromQuaternion(quaternionFromAngles(yaw, pitch), 1.3, 30);
      for (let i = 0; i < 9; i++) expect(b.rotation[i]).toBeCloseTo(a.rotation[i], 9);
      for (let i = 0; i < 3; i++) expect(b.origin[i]).toBeCloseTo(a.origin[i], 9);
      const back = anglesOfCamera(a);
      expect(back.yaw).toBeCloseTo(yaw, 9);
      expect(back.pitch).toBeCloseTo(pitch, 9);
    }
  });

  it('official frontal camera: yaw 0, pitch π/2 sits on +x looking at the origin with +y up', () => {
    const c = cameraFromAngles(0, Math.PI / 2, 1, 30);
    expect(c.origin[0]).toBeCloseTo(1, 12);
    const d = rayDirections(c, 3, 3); // centre pixel of a 3×3 grid
    expect(d[12]).toBeCloseTo(-1, 6);
    expect(d[13]).toBeCloseTo(0, 6);
    expect(d[14]).toBeCloseTo(0, 6);
    // top row looks up (+y), left column looks towards −z... the camera's right is −left = (0, 0, −1)·(−1)
    expect(d[1]).toBeGreaterThan(0); // top-left pixel has +y
    expect(c.rotation[4]).toBeCloseTo(1, 12); // up column = +y
  });

  it('rays are unit vectors; corner rays make the half field of view with the centre ray', () => {
    const c = cameraFromAngles(0.3, 1.2, 1, 30);
    const d = rayDirections(c, 5, 5);
    for (let i = 0; i < 25; i++) expect(Math.hypot(d[3 * i], d[3 * i + 1], d[3 * i + 2])).toBeCloseTo(1, 6);
    const centre = new Vector3(d[36], d[37], d[38]);
    const rightMid = new Vector3(d[42], d[43], d[44]); // row 2, col 4
    expect(centre.angleTo(rightMid)).toBeCloseTo((15 * Math.PI) / 180, 6);
  });

  it('patch rays: scale 1 is the full image; a patch maps NDC x′ = (x + 1)s − 1 + 2δ', () => {
    const c = cameraFromAngles(1, 1, 1, 30);
    expect(Array.from(rayDirections(c, 4, 4, { scale: 1, offsetX: 0, offsetY: 0 }))).toEqual(Array.from(rayDirections(c, 4, 4)));
    // A 3×3 patch of scale 0.5 at offset (0.5, 0.5) covers NDC [0, 1]²: it equals rows 2..4 / cols 2..4 of a 5×5 full grid.
    const p = rayDirections(c, 3, 3, { scale: 0.5, offsetX: 0.5, offsetY: 0.5 });
    const full = rayDirections(c, 5, 5);
    for (let r = 0; r < 3; r++)
      for (let col = 0; col < 3; col++)
        for (let k = 0; k < 3; k++) expect(p[(r * 3 + col) * 3 + k]).toBeCloseTo(full[((r) * 5 + col + 2) * 3 + k], 6);
  });

  it('orbiting through the poles: no NaN, no flip', () => {
    // Rotate about the camera's own right axis through both poles in 1° steps.
    let q = quaternionFromAngles(0, Math.PI / 2);
    let prevUp: Vector3 | null = null;
    const step = new Quaternion().setFromAxisAngle(new Vector3(0, 0, 1), Math.PI / 180);
    for (let i = 0; i < 360; i++) {
      q = step.clone().multiply(q);
      const cam = cameraFromQuaternion(q, 1, 30);
      const d = rayDirections(cam, 2, 2);
      expect(d.every(Number.isFinite)).toBe(true);
      const up = new Vector3(cam.rotation[3], cam.rotation[4], cam.rotation[5]);
      if (prevUp) expect(up.angleTo(prevUp)).toBeLessThan((1.01 * Math.PI) / 180); // continuous: never jumps
      prevUp = up;
    }
  });
});

describe('inverse-sphere background coordinates', () => {
  it('lie on the unit sphere with 1/r from 1 down to 0; 1/r = 1 is the exit point, 1/r = 0 the ray direction', () => {
    const disp = linspace(1, 0, 16);
    for (const [yaw, pitch, radius] of [[0.3, 1.0, 1.0], [2.0, 2.5, 0.6], [-1, 0.1, 0.95]]) {
      const cam = cameraFromAngles(yaw, pitch, radius, 30);
      const dirs = rayDirections(cam, 4, 4);
      const pts = inverseSpherePoints(cam.origin, dirs, disp);
      for (let r = 0; r < 16; r++) {
        for (let s = 0; s < 16; s++) {
          const o = (r * 16 + s) * 4;
          expect(Math.hypot(pts[o], pts[o + 1], pts[o + 2])).toBeCloseTo(1, 5);
          expect(pts[o + 3]).toBeGreaterThanOrEqual(0);
          expect(pts[o + 3]).toBeLessThanOrEqual(1);
        }
        const d = new Vector3(dirs[3 * r], dirs[3 * r + 1], dirs[3 * r + 2]);
        const o = new Vector3(...cam.origin);
        // exit point: |o + t d| = 1
        const b = o.dot(d);
        const t = -b + Math.sqrt(b * b - (o.lengthSq() - 1));
        const exit = o.clone().addScaledVector(d, t);
        const first = new Vector3(pts[r * 64], pts[r * 64 + 1], pts[r * 64 + 2]);
        const last = new Vector3(pts[r * 64 + 60], pts[r * 64 + 61], pts[r * 64 + 62]);
        expect(first.distanceTo(exit)).toBeLessThan(1e-5);
        expect(last.distanceTo(d)).toBeLessThan(1e-5);
      }
    }
  });
});

/** Replaces the decoder's last layer so that it outputs constant raw (r, g, b, σ), or σ driven by feature 0. */
function craftDecoder(cfg: ModelConfig, params: Params, rgb: [number, number, number], sigma: number, sigmaFromFeature0 = 0): Params {
  const hidden = cfg.decoder.hidden[0];
  const c = cfg.triplane.channels;
  const w0 = new Float32Array(hidden * c);
  w0[0] = Math.sqrt(c); // hidden0 = lrelu(feature0)·√2 (weight gain 1/√c undone)
  const w1 = new Float32Array(4 * hidden);
  w1[3 * hidden] = (sigmaFromFeature0 * Math.sqrt(hidden)) / Math.SQRT2; // σ_raw += k·feature0 (for feature0 ≥ 0)
  return {
    ...params,
    [`${MLP}.0.weight`]: tf.tensor2d(w0, [hidden, c]),
    [`${MLP}.0.bias`]: tf.zeros([hidden]),
    [`${MLP}.1.weight`]: tf.tensor2d(w1, [4, hidden]),
    [`${MLP}.1.bias`]: tf.tensor1d([...rgb, sigma]),
  };
}

describe('reference renderer on crafted scenes', () => {
  const base = preset('tiny');

  it('zero density renders exactly the background (INR, or white)', async () => {
    const cfg: ModelConfig = { ...base, camera: { ...base.camera, whiteBack: false } };
    const g = Generator.random(cfg, 5, { perturb: 0.2 });
    const params = craftDecoder(cfg, g.params, [0.3, -0.2, 0.9], -1e4);
    const ws = g.mapping(g.latents([1]));
    const planes = g.synthesize(ws);
    const cam = [cameraFromAngles(0.4, 1.2, 1, 30)];
    const opts = { resolution: 8, coarse: 12, fine: 12, bgSteps: 8, deterministic: true };
    const full = renderReference(cfg, params, planes, ws, cam, opts);
    const bgOnly = renderReference(cfg, params, planes, ws, cam, { ...opts, bgOnly: true });
    const a = await full.rgb.data();
    const b = await bgOnly.rgb.data();
    expect(Math.max(...Array.from(b).map(Math.abs))).toBeGreaterThan(1e-3); // the background is not trivially zero
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(await full.opacity.data()).every((v) => v === 0)).toBe(true);

    const white: ModelConfig = { ...cfg, background: { ...cfg.background, enabled: false }, camera: { ...cfg.camera, whiteBack: true } };
    const w = renderReference(white, params, planes, ws, cam, opts);
    expect(Array.from(await w.rgb.data()).every((v) => v === 1)).toBe(true);
    g.dispose();
  });

  it('an opaque slab renders its colour, full opacity and the depth of its front face', async () => {
    const cfg: ModelConfig = { ...base, background: { ...base.background, enabled: false }, camera: { ...base.camera, whiteBack: true } };
    const g = Generator.random(cfg, 6);
    const colour: [number, number, number] = [0.8, -0.5, 0.1];
    const params = craftDecoder(cfg, g.params, colour, -60, 3000);
    // Slab |x| ≤ 0.1 (world): feature 0 = 1 on planes 0 (x, y) and 1 (x, z) where |x| ≤ 0.1, so the mean is 2/3 inside.
    const r = cfg.triplane.resolution;
    const c = cfg.triplane.channels;
    const pl = new Float32Array(r * r * 3 * c);
    for (let y = 0; y < r; y++)
      for (let x = 0; x < r; x++) {
        const wx = (x / (r - 1)) * 2 - 1; // plane coordinate along width = world x / cubeScale
        if (Math.abs(wx * cfg.camera.cubeScale) <= 0.1) for (const p of [0, 1]) pl[(y * r + x) * 3 * c + p * c] = 1;
      }
    const planes = tf.tensor4d(pl, [1, r, r, 3 * c]);
    const ws = g.mapping(g.latents([0]));
    const cam = cameraFromAngles(0, Math.PI / 2, 1, 30); // on +x, looking at the slab face-on
    const out = renderReference(cfg, params, planes, ws, [cam], { resolution: 9, coarse: 48, fine: 48, deterministic: true });
    const rgb = await out.rgb.data();
    const op = await out.opacity.data();
    for (let i = 0; i < 81; i++) {
      expect(op[i]).toBeGreaterThan(0.999);
      for (let k = 0; k < 3; k++) expect(rgb[3 * i + k]).toBeCloseTo(colour[k], 2);
    }
    // Centre pixel: the front face x = 0.1 is 0.9 away; texel blending smears the face by ~1 texel (0.015).
    expect((await out.depth.data())[40]).toBeGreaterThan(0.87);
    expect((await out.depth.data())[40]).toBeLessThan(0.91);
    g.dispose();
  });

  it('stochastic renders are reproducible from their seed and differ across seeds', async () => {
    const cfg = base;
    const g = Generator.random(cfg, 7, { perturb: 0.1 });
    const ws = g.mapping(g.latents([3]));
    const planes = g.synthesize(ws);
    const cam = [cameraFromAngles(0.1, 1.4, 1, 30)];
    const r = (seed: number) => renderReference(cfg, g.params, planes, ws, cam, { resolution: 6, seed }).rgb.data();
    const [a, b, c] = await Promise.all([r(1), r(1), r(2)]);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    g.dispose();
  });

  it('chunking does not change a render: items grouped or not draw the same samples; split items, the same image when deterministic', async () => {
    const cfg = base;
    const g = Generator.random(cfg, 8, { perturb: 0.1 });
    const ws = g.mapping(g.latents([4, 5]));
    const planes = g.synthesize(ws);
    const cams = [cameraFromAngles(0.1, 1.4, 1, 30), cameraFromAngles(2.0, 0.7, 1, 30)];
    const r = (chunkRays: number, deterministic = false) =>
      renderReference(cfg, g.params, planes, ws, cams, { resolution: 6, seed: 9, chunkRays, deterministic }).rgb.data();
    const [grouped, single] = await Promise.all([r(1 << 16), r(36)]);
    expect(grouped.length).toBe(2 * 36 * 3);
    for (let i = 0; i < grouped.length; i++) expect(single[i]).toBeCloseTo(grouped[i], 5);
    const [whole, split] = await Promise.all([r(1 << 16, true), r(10, true)]);
    for (let i = 0; i < whole.length; i++) expect(split[i]).toBeCloseTo(whole[i], 5);
    g.dispose();
  });

  it('chunks stay within WebGPU limits whatever chunkRays asks for (the small preset at 8 × 64² did not)', () => {
    for (const name of ['tiny', 'small', 'official'] as const) {
      const cfg = preset(name);
      const { coarse, fine } = cfg.samples;
      const sb = cfg.background.steps;
      const m = maxChunkRays(cfg, coarse, fine, sb);
      const widest = Math.max(cfg.triplane.channels, ...cfg.decoder.hidden);
      expect(m * Math.max(coarse, fine) * widest * 4, name).toBeLessThanOrEqual(128 * 2 ** 20); // maxStorageBufferBindingSize
      expect(m * sb * cfg.background.width * 4, name).toBeLessThanOrEqual(128 * 2 ** 20);
      expect(m * Math.max(coarse, fine, sb), name).toBeLessThanOrEqual(32768 * 24); // rows per layer: what ran on an H200
    }
    expect(maxChunkRays(preset('small'), 48, 48, 16)).toBeLessThan(8 * 64 * 64); // split into chunks now
    expect(maxChunkRays(preset('tiny'), 24, 24, 8)).toBeGreaterThanOrEqual(8 * 64 * 64); // one chunk, as before
  });

  // On the cpu backend: wasm lacks UnsortedSegmentSum (gather's gradient) and Conv2DBackpropFilter; the
  // training-speed issue adds fused kernels for it.
  it('is differentiable with respect to generator parameters (cpu backend)', async () => {
    await useBackend('cpu');
    // A miniature config: the pure-JS cpu backend is slow at conv gradients.
    const cfg: ModelConfig = {
      ...base, zDim: 32, wDim: 32,
      triplane: { ...base.triplane, resolution: 16, channels: 8, channelBase: 128, channelMax: 16 },
      decoder: { hidden: [16] },
      background: { ...base.background, width: 16 },
    };
    const g = Generator.random(cfg, 8, { perturb: 0.1 });
    const cam = [cameraFromAngles(0.1, 1.4, 1, 30)];
    const names = ['mapping.fc0.weight', 'synthesis.tri_plane_decoder.b16.torgb.weight', `${MLP}.1.bias`, 'synthesis.bg_model.blocks.1.to_out.bias'];
    const grads = tf.grads((...ts: tf.Tensor[]) => {
      const p = { ...g.params };
      names.forEach((n, i) => (p[n] = ts[i]));
      const gg = new Generator(cfg, p);
      const ws = gg.mapping(g.latents([1]));
      const planes = gg.synthesize(ws);
      return tf.mean(renderReference(cfg, p, planes, ws, cam, { resolution: 4, coarse: 8, fine: 8, seed: 1 }).rgb);
    })(names.map((n) => g.params[n]));
    for (const gr of grads) {
      const v = gr.dataSync();
      expect(v.every(Number.isFinite)).toBe(true);
      expect(Math.max(...Array.from(v).map(Math.abs))).toBeGreaterThan(0);
    }
    g.dispose();
    await useBackend('wasm');
  });
});

describe('importance sampling', () => {
  it('concentrates fine samples where the weights are, deterministic u = linspace', () => {
    const bins = tf.tensor2d(linspace(0, 1, 11), [1, 11]);
    const w = new Float32Array(10);
    w[7] = 1; // all mass in [0.7, 0.8]
    const u = tf.tensor2d(linspace(0, 1, 20), [1, 20]);
    const s = samplePdf(bins, tf.tensor2d(w, [1, 10]), u).dataSync();
    const inside = Array.from(s).filter((v) => v >= 0.7 - 1e-6 && v <= 0.8 + 1e-6).length;
    expect(inside).toBeGreaterThanOrEqual(18); // eps-smoothed pdf leaves ~1e-4 of the mass elsewhere
    for (let i = 1; i < 20; i++) expect(s[i]).toBeGreaterThanOrEqual(s[i - 1]);
  });
});
