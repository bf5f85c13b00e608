/** Anti-aliased patch sampling (issue 11): the real patches' box prefilter and the fake patches' sub-rays. */
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { MINI_CFG } from '../helpers/miniature';
import { useBackend } from '../helpers/backend';
import { preset, type ModelConfig } from '../../src/model/config';
import { boxWeights, extractPatch, extractPatchArea, patchFootprint, samplePatches } from '../../src/train/patches';
import { poolSubrays, renderPatches, subrayFactor, subrayPatch } from '../../src/train/antialias';
import { cameraFromAngles, rayDirections, type Camera } from '../../src/render/camera';
import { MT19937 } from '../../src/model/prng';
import { paramsFromArrays, disposeParams } from '../../src/model/tensors';
import { initParamArrays } from '../../src/model/params';

const rgbaOf = (res: number, f: (x: number, y: number) => [number, number, number]) => {
  const img = new Uint8Array(res * res * 4);
  for (let y = 0; y < res; y++) for (let x = 0; x < res; x++) img.set([...f(x, y), 255], 4 * (y * res + x));
  return img;
};
const toUnit = (v: number) => (v / 255) * 2 - 1;

describe('area prefilter of real patches', () => {
  it('box weights are the exact pixel overlaps, clipped to the image', () => {
    const b = boxWeights(3.25, 2, 10); // [2.25, 4.25]: pixel 2 0.25, pixel 3 1, pixel 4 0.75
    expect(b.start).toBe(2);
    expect(Array.from(b.weights)).toEqual([0.125, 0.5, 0.375]);
    const edge = boxWeights(0, 3, 10); // [−1.5, 1.5] clipped to [−0.5, 1.5]: pixels 0 and 1, equally
    expect(edge.start).toBe(0);
    expect(Array.from(edge.weights)).toEqual([0.5, 0.5]);
  });

  it('of a constant image is that constant, at every scale, offset and mirroring', () => {
    const res = 32;
    const img = rgbaOf(res, () => [200, 17, 90]);
    const mt = new MT19937(4);
    for (const p of samplePatches({ patch: 8, resolution: res, annealImages: 1, scales: [1, 0.6, 0.25] }, 24, 0, () => mt.random())) {
      const out = extractPatchArea(img, res, p, 8, mt.random() < 0.5);
      for (let i = 0; i < out.length; i += 3) {
        expect(out[i]).toBeCloseTo(toUnit(200), 6);
        expect(out[i + 1]).toBeCloseTo(toUnit(17), 6);
        expect(out[i + 2]).toBeCloseTo(toUnit(90), 6);
      }
    }
  });

  it('of a checkerboard finer than the footprint is its mean, where point sampling aliases', () => {
    // R = 65, r = 9, s = 1: footprint (R − 1)/(r − 1) = 8 pixels, an even number of checker cells.
    const res = 65;
    const img = rgbaOf(res, (x, y) => ((x + y) % 2 ? [255, 255, 255] : [0, 0, 0]));
    const p = { scale: 1, offsetX: 0, offsetY: 0 };
    const area = extractPatchArea(img, res, p, 9);
    const point = extractPatch(img, res, p, 9);
    // Interior pixels: an 8 × 8 box centred on a pixel centre covers 7 full cells and two half cells per side.
    for (let row = 1; row < 8; row++) for (let col = 1; col < 8; col++) expect(Math.abs(area[3 * (row * 9 + col)] - 0)).toBeLessThan(1 / 64 + 1e-6);
    // Edge pixels see a clipped box: still within 1/20 of the mean (0 in [−1, 1]).
    for (const v of area) expect(Math.abs(v)).toBeLessThan(0.05);
    // Point samples land on pixel centres (spacing 8): all black — the aliasing the prefilter removes.
    for (const v of point) expect(v).toBe(-1);
  });

  it('equals point sampling where the footprint is one pixel (s = (r − 1)/(R − 1)), mirrored or not', () => {
    const res = 33;
    const r = 9;
    const img = rgbaOf(res, (x, y) => [(x * 37 + y * 11) % 256, (x * x + 3 * y) % 256, (x * y) % 256]);
    const s = (r - 1) / (res - 1);
    expect(patchFootprint(s, res, r)).toBeCloseTo(1, 12);
    for (const [ox, oy] of [[0, 0], [0.31, 0.6], [1 - s, 1 - s], [0.123, 0.017]])
      for (const mirror of [false, true]) {
        const p = { scale: s, offsetX: ox, offsetY: oy };
        const a = extractPatchArea(img, res, p, r, mirror);
        const b = extractPatch(img, res, p, r, mirror);
        for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 5);
        // Smaller footprints are point sampled too.
        const small = { scale: s / 2, offsetX: ox / 2, offsetY: oy / 2 };
        const c = extractPatch(img, res, small, r, mirror, 'area');
        const d = extractPatch(img, res, small, r, mirror);
        for (let i = 0; i < c.length; i++) expect(c[i]).toBeCloseTo(d[i], 5);
      }
  });

  it('mirroring reads the image flipped left-right', () => {
    const res = 24;
    const img = rgbaOf(res, (x, y) => [x * 10, y * 10, (x * y) % 256]);
    const flipped = new Uint8Array(img.length);
    for (let y = 0; y < res; y++) for (let x = 0; x < res; x++) flipped.set(img.subarray(4 * (y * res + x), 4 * (y * res + x) + 4), 4 * (y * res + (res - 1 - x)));
    const p = { scale: 0.7, offsetX: 0.1, offsetY: 0.2 };
    const a = extractPatchArea(img, res, p, 6, true);
    const b = extractPatchArea(flipped, res, p, 6, false);
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 6);
  });

  it('a fixed scale set is sampled uniformly, one scale per group', () => {
    const mt = new MT19937(9);
    const ps = samplePatches({ patch: 8, resolution: 64, annealImages: 1, scales: [1, 0.25] }, 4000, 0, () => mt.random());
    const ones = ps.filter((p) => p.scale === 1).length;
    expect(ps.every((p) => p.scale === 1 || p.scale === 0.25)).toBe(true);
    expect(Math.abs(ones / 4000 - 0.5)).toBeLessThan(0.05);
    for (const p of ps) expect(p.offsetX).toBeLessThanOrEqual(1 - p.scale + 1e-12);
  });
});

describe('sub-ray fake patches', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('k follows the footprint, capped; the k × k sub-rays are centred on each pixel and tile its footprint', () => {
    expect(subrayFactor(0.25, 64, 16)).toBe(2); // 0.25·63/15 = 1.05
    expect(subrayFactor(15 / 63, 64, 16)).toBe(1);
    expect(subrayFactor(1, 64, 16)).toBe(4); // 4.2, capped at 4
    expect(subrayFactor(1, 64, 16, 8)).toBe(5);
    // fov 90°: the direction (x, y, −1)/‖·‖ gives back NDC x = −dx/dz in the camera frame.
    const cam: Camera = { rotation: Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]), origin: [0, 0, 1], fovDeg: 90 };
    const r = 5;
    const p = { scale: 0.5, offsetX: 0.2, offsetY: 0.1 };
    const ndc = (d: Float32Array, i: number) => [-d[3 * i] / d[3 * i + 2], -d[3 * i + 1] / d[3 * i + 2]];
    const one = rayDirections(cam, r, r, p);
    for (const k of [2, 3]) {
      const sub = rayDirections(cam, k * r, k * r, subrayPatch(p, r, k));
      const spacing = (2 * p.scale) / (r - 1);
      for (let row = 0; row < r; row++)
        for (let col = 0; col < r; col++) {
          let mx = 0;
          let my = 0;
          const xs: number[] = [];
          for (let a = 0; a < k; a++)
            for (let b = 0; b < k; b++) {
              const [x, y] = ndc(sub, (row * k + a) * k * r + col * k + b);
              mx += x / (k * k);
              my += y / (k * k);
              xs.push(x);
            }
          const [x0, y0] = ndc(one, row * r + col);
          expect(mx).toBeCloseTo(x0, 6);
          expect(my).toBeCloseTo(y0, 6);
          expect(Math.max(...xs) - Math.min(...xs)).toBeCloseTo((spacing * (k - 1)) / k, 6); // stratified over one spacing
        }
    }
  });

  it('pooling is the k × k block mean', () => {
    const x = tf.tensor4d(Float32Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);
    expect(Array.from(poolSubrays(x, 2).dataSync())).toEqual([2.5, 4.5, 10.5, 12.5]);
  });

  it('averaging sub-rays of a constant field gives the single-ray value', () => {
    const cfg: ModelConfig = { ...MINI_CFG, background: { ...MINI_CFG.background, enabled: false } };
    const params = paramsFromArrays(cfg, initParamArrays(cfg, 1));
    const n = 4;
    const planes = tf.fill([n, 8, 8, 3 * cfg.triplane.channels], 0.3) as tf.Tensor4D; // constant features: a constant field
    const ws = tf.zeros([n, 4, cfg.wDim]) as tf.Tensor3D;
    const cams = Array.from({ length: n }, (_, i) => cameraFromAngles(0.2 * i, Math.PI / 2, cfg.camera.radius, cfg.camera.fovDeg));
    const patches = [1, 1, 0.25, 0.25].map((scale, i) => ({ scale, offsetX: (1 - scale) * 0.3 * i, offsetY: (1 - scale) * 0.2 }));
    const common = { resolution: 8, datasetResolution: 64, deterministic: true, chunkRays: 1 << 16 };
    const point = renderPatches(cfg, params, planes, ws, cams, patches, { ...common, filter: 'point' });
    const area = renderPatches(cfg, params, planes, ws, cams, patches, { ...common, filter: 'area' });
    expect(area.shape).toEqual([n, 8, 8, 3]);
    const a = area.dataSync();
    const b = point.dataSync();
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 5);
    tf.dispose([planes, ws, point, area]);
    disposeParams(params);
  });
});

describe('the patch filter option round-trips', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('through a checkpoint: save → parse → restore keeps patchFilter and patchScales; another filter is refused', async () => {
    const { Trainer } = await import('../../src/train/trainer');
    const { saveCheckpoint, parseCheckpoint, restoreCheckpoint, CheckpointError } = await import('../../src/train/checkpoint');
    const { toyDataset } = await import('../../src/data/inMemory');
    const { trainOptionsFor } = await import('../../src/train/options');
    const base = preset('tiny');
    const cfg: ModelConfig = {
      ...base, zDim: 16, wDim: 16,
      triplane: { ...base.triplane, resolution: 8, channels: 4, channelBase: 64, channelMax: 8 },
      decoder: { hidden: [8] }, background: { ...base.background, width: 8, steps: 4 }, samples: { coarse: 4, fine: 4 },
    };
    const dcfg = { resolution: 16, patch: 8, channelBase: 64, channelMax: 8, mbstdGroup: 4, hyperEmbed: 4, hyperWidth: 8, cmapDim: 8, convClamp: 256 };
    const opts = trainOptionsFor(cfg, { batch: 4, patch: 8, gamma: 0.05, totalImages: 100, patchFilter: 'area', patchScales: [1, 0.25] });
    expect(trainOptionsFor(cfg, { batch: 4, patch: 8, gamma: 0.05, totalImages: 100 }).patchFilter).toBe('point');
    const data = toyDataset({ resolution: 16, markSize: 1, markOffset: 1 });
    const a = new Trainer(cfg, dcfg, opts, data, 5);
    const { json, bin } = await saveCheckpoint(a);
    const { manifest } = parseCheckpoint(json, bin);
    expect(manifest.options.patchFilter).toBe('area');
    expect(manifest.options.patchScales).toEqual([1, 0.25]);
    const b = new Trainer(cfg, dcfg, manifest.options, data, 5);
    await restoreCheckpoint(b, json, bin);
    expect(b.t.patchFilter).toBe('area');
    expect(b.t.patchScales).toEqual([1, 0.25]);
    const c = new Trainer(cfg, dcfg, { ...opts, patchFilter: 'point' }, data, 5);
    await expect(restoreCheckpoint(c, json, bin)).rejects.toThrow(CheckpointError);
    await expect(restoreCheckpoint(c, json, bin)).rejects.toThrow(/patch filter "area"/);
    // A checkpoint from before the option (no patchFilter) restores as point.
    const old = JSON.parse(json);
    delete old.options.patchFilter;
    delete old.options.patchScales;
    const d = new Trainer(cfg, dcfg, { ...opts, patchFilter: 'point', patchScales: undefined }, data, 5);
    await restoreCheckpoint(d, JSON.stringify(old), bin);
    await expect(restoreCheckpoint(b, JSON.stringify(old), bin)).rejects.toThrow(/patch filter "point", this run uses "area"/);
    for (const t of [a, b, c, d]) t.dispose();
  });

  it('through the command-line arguments', async () => {
    const { parseTrainArgs } = await import('../../scripts/train');
    expect(parseTrainArgs(['--out', 'x']).patchFilter).toBe('point');
    expect(parseTrainArgs(['--out', 'x']).patchScales).toBeUndefined();
    const a = parseTrainArgs(['--out', 'x', '--patch-filter', 'area', '--patch-scales', '1,0.25', '--dataset', 'toy:1:1', '--max-subrays', '2']);
    expect(a.maxSubrays).toBe(2);
    expect(a.patchFilter).toBe('area');
    expect(a.patchScales).toEqual([1, 0.25]);
    expect(a.data).toBe('toy:1:1');
    expect(() => parseTrainArgs(['--out', 'x', '--patch-filter', 'box'])).toThrow(/point or area/);
    expect(() => parseTrainArgs(['--out', 'x', '--patch-scales', '1,0'])).toThrow(/patch-scales/);
  });
});
