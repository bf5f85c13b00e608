import { describe, it, expect } from 'vitest';
import { betaAt, extractPatch, sampleBeta1, samplePatches } from '../../src/train/patches';
import { cameraFromAngles, rayDirections } from '../../src/render/camera';
import { MT19937 } from '../../src/model/prng';

describe('patch sampling', () => {
  it('β anneals linearly from 0.001 to 0.8; Beta(1, β) has mean 1/(1 + β)', () => {
    const s = { patch: 32, resolution: 128, annealImages: 1000 };
    expect(betaAt(s, 0)).toBeCloseTo(0.001, 9);
    expect(betaAt(s, 500)).toBeCloseTo(0.4005, 9);
    expect(betaAt(s, 5000)).toBeCloseTo(0.8, 9);
    const mt = new MT19937(1);
    for (const beta of [0.001, 0.8]) {
      let m = 0;
      for (let i = 0; i < 20000; i++) m += sampleBeta1(beta, mt.random()) / 20000;
      expect(m).toBeCloseTo(1 / (1 + beta), 2);
    }
  });

  it('scales lie in [s_min, 1], offsets in [0, 1 − s], one draw per group of 4; early training favours s = 1', () => {
    const mt = new MT19937(2);
    const sched = { patch: 32, resolution: 128, annealImages: 1e6 };
    const early = samplePatches(sched, 4000, 0, () => mt.random());
    const late = samplePatches(sched, 4000, 2e6, () => mt.random());
    for (const p of [...early, ...late]) {
      expect(p.scale).toBeGreaterThanOrEqual(0.25);
      expect(p.scale).toBeLessThanOrEqual(1);
      expect(p.offsetX).toBeGreaterThanOrEqual(0);
      expect(p.offsetX).toBeLessThanOrEqual(1 - p.scale + 1e-12);
      expect(p.offsetY).toBeLessThanOrEqual(1 - p.scale + 1e-12);
    }
    for (let i = 0; i < 4000; i += 4) for (let k = 1; k < 4; k++) expect(late[i + k]).toEqual(late[i]);
    const mean = (ps: typeof early) => ps.reduce((a, p) => a + p.scale, 0) / ps.length;
    expect(mean(early)).toBeGreaterThan(0.99);
    expect(mean(late)).toBeLessThan(0.8);
  });
});

describe('real patches match the rays', () => {
  it('scale 1, offset 0 at the full resolution returns the image itself', () => {
    const res = 8;
    const img = new Uint8Array(res * res * 4).map((_, i) => (i * 37) % 256);
    const p = extractPatch(img, res, { scale: 1, offsetX: 0, offsetY: 0 }, res);
    for (let i = 0; i < res * res; i++) for (let k = 0; k < 3; k++) expect(p[3 * i + k]).toBeCloseTo((img[4 * i + k] / 255) * 2 - 1, 6);
  });

  it('each patch pixel shows the image where its ray points (image = a function of the ray direction)', () => {
    // Render a "sky" image whose colour is a smooth function of the full-image ray direction, then compare
    // the extracted patch with that function evaluated on the patch's own rays.
    const cam = cameraFromAngles(0.4, 1.1, 1, 30);
    const res = 64;
    const f = (d: ArrayLike<number>, i: number) => [0.5 + 0.5 * d[3 * i], 0.5 + 0.5 * d[3 * i + 1], 0.5 + 0.5 * d[3 * i + 2]];
    const full = rayDirections(cam, res, res);
    const img = new Uint8Array(res * res * 4);
    for (let i = 0; i < res * res; i++) img.set([...f(full, i).map((v) => Math.round(v * 255)), 255], 4 * i);
    for (const patch of [{ scale: 0.5, offsetX: 0.1, offsetY: 0.3 }, { scale: 0.25, offsetX: 0.7, offsetY: 0.05 }]) {
      const r = 16;
      const got = extractPatch(img, res, patch, r);
      const rays = rayDirections(cam, r, r, patch);
      for (let i = 0; i < r * r; i++) {
        const want = f(rays, i);
        // bilinear interpolation of a smooth function + 8-bit quantisation
        for (let k = 0; k < 3; k++) expect(Math.abs((got[3 * i + k] + 1) / 2 - want[k])).toBeLessThan(0.01);
      }
    }
  });
});
