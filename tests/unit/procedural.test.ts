/** The procedural Megascans-protocol dataset and the Figure 9 toy. */
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  bboxProductOk, coverageOk, generateObject, MIN_BBOX_PRODUCT, OBJECT_SCALE, solidBounds, sphericalUniform,
} from '../../src/data/procedural/generate';
import { buildObject, FAMILIES } from '../../src/data/procedural/families';
import { Scene, sdSphere } from '../../src/data/procedural/sdf';
import { figure9Toy, TOY_COLOURS } from '../../src/data/toy';
import { MT19937 } from '../../src/model/prng';
import { parseProceduralSpec } from '../../src/data/procedural/spec';
import { preset } from '../../src/model/config';

/** Kolmogorov–Smirnov statistic of samples against U(a, b). */
function ksUniform(xs: number[], a: number, b: number): number {
  const s = [...xs].sort((p, q) => p - q);
  let d = 0;
  s.forEach((x, i) => {
    const f = (x - a) / (b - a);
    d = Math.max(d, Math.abs(f - i / s.length), Math.abs(f - (i + 1) / s.length));
  });
  return d;
}

describe('cameras', () => {
  it('directions are uniform on the whole sphere (KS tests on yaw and cos pitch, mean direction ≈ 0)', () => {
    const mt = new MT19937(5);
    const n = 20000;
    const yaws: number[] = [];
    const cosP: number[] = [];
    const mean = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      const { yaw, pitch } = sphericalUniform(() => mt.random());
      yaws.push(yaw);
      cosP.push(Math.cos(pitch));
      const d = [Math.sin(pitch) * Math.cos(yaw), Math.cos(pitch), Math.sin(pitch) * Math.sin(yaw)];
      d.forEach((v, k) => (mean[k] += v / n));
    }
    const crit = 1.63 / Math.sqrt(n); // 99 % critical value
    expect(ksUniform(yaws, -Math.PI, Math.PI)).toBeLessThan(crit);
    expect(ksUniform(cosP, -1, 1)).toBeLessThan(crit);
    for (const m of mean) expect(Math.abs(m)).toBeLessThan(0.03);
    // A biased sampler (pitch uniform instead of acos(1 − 2v)) fails the same test: the test has power.
    const biased = Array.from({ length: n }, () => Math.cos(mt.random() * Math.PI));
    expect(ksUniform(biased, -1, 1)).toBeGreaterThan(crit);
  });
});

describe('objects', () => {
  const opts = { seed: 7, views: 4, resolution: 24, background: 'white' as const, aa: 1 };

  it('are deterministic from the seed and differ across seeds and indices', () => {
    const a = generateObject(2, opts);
    const b = generateObject(2, opts);
    expect(Buffer.from(a.views[0].rgba).equals(Buffer.from(b.views[0].rgba))).toBe(true);
    expect(a.views.map((v) => [v.yaw, v.pitch])).toEqual(b.views.map((v) => [v.yaw, v.pitch]));
    const c = generateObject(2, { ...opts, seed: 8 });
    const d = generateObject(3, opts);
    expect(Buffer.from(a.views[0].rgba).equals(Buffer.from(c.views[0].rgba))).toBe(false);
    expect(Buffer.from(a.views[0].rgba).equals(Buffer.from(d.views[0].rgba))).toBe(false);
  });

  it('every family builds a solid object; labels follow the family', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 24; i++) {
      const s = generateObject(i, opts);
      expect(FAMILIES[s.label]).toBe(s.family);
      seen.add(s.label);
    }
    expect([...seen].sort()).toEqual([0, 1, 2]);
    for (const f of FAMILIES) expect(solidBounds(new Scene(buildObject(f, 11)))).not.toBeNull();
  });

  it('are scaled into [−1, 1]³ (longest side exactly 2) and pass the protocol filters', () => {
    for (let i = 0; i < 12; i++) {
      const s = generateObject(i, opts);
      expect(Math.max(...s.bboxSides)).toBeCloseTo(2, 6);
      expect(s.bboxSides[0] * s.bboxSides[1] * s.bboxSides[2]).toBeGreaterThanOrEqual(MIN_BBOX_PRODUCT);
      expect(s.views.reduce((a, v) => a + v.coverage, 0) / s.views.length).toBeGreaterThanOrEqual(0.03);
    }
  });

  it('filters: flat or thin boxes and nearly invisible objects are rejected', () => {
    expect(bboxProductOk([2, 2, 0.4])).toBe(false); // a leaf: 1.6 < 2
    expect(bboxProductOk([2, 1.2, 1])).toBe(true);
    expect(coverageOk([0.01, 0.02, 0.05])).toBe(false);
    expect(coverageOk([0.02, 0.04])).toBe(true);
  });

  it('solid bounds of an analytic sphere', () => {
    const b = solidBounds({ distance: (x, y, z) => sdSphere(x - 0.3, y, z, 0.5) }, 1.5, 61)!;
    expect(b.min[0]).toBeCloseTo(-0.2, 1);
    expect(b.max[0]).toBeCloseTo(0.8, 1);
    expect(b.max[1]).toBeCloseTo(0.5, 1);
  });

  it('white background: image borders are white; environment: a sky that varies between objects', () => {
    const w = generateObject(1, opts);
    const e1 = generateObject(1, { ...opts, background: 'env' });
    const e2 = generateObject(4, { ...opts, background: 'env' });
    const corner = (rgba: Uint8Array) => Array.from(rgba.slice(0, 3));
    for (const v of w.views) expect(corner(v.rgba)).toEqual([255, 255, 255]);
    expect(corner(e1.views[0].rgba)).not.toEqual([255, 255, 255]);
    expect(corner(e1.views[0].rgba)).not.toEqual(corner(e2.views[0].rgba));
    // the background does not change the draws: the same seed gives the same cameras (and object)
    expect(e1.views.map((v) => [v.yaw, v.pitch])).toEqual(w.views.map((v) => [v.yaw, v.pitch]));
    expect(e1.label).toBe(w.label);
  });

  it('the object stays inside the tri-plane box of the presets', () => {
    for (const name of ['tiny', 'small', 'official'] as const) expect(OBJECT_SCALE * Math.sqrt(3), name).toBeLessThan(preset(name).camera.cubeScale);
  });
});

describe('browser-safe sources', () => {
  it('the generator uses no Node APIs (it also runs in the tab)', () => {
    const dir = join(__dirname, '../../src/data/procedural');
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f), 'utf8')).not.toMatch(/from 'node:|require\(/);
  });
});

describe('Figure 9 toy', () => {
  it('two mostly-white images with correlated corner colours and a frontal camera', () => {
    const [a, b] = figure9Toy({ resolution: 32 });
    for (const [img, colour] of [[a, TOY_COLOURS[0]], [b, TOY_COLOURS[1]]] as const) {
      expect(img.angles).toEqual([0, Math.PI / 2, 0]);
      let coloured = 0;
      for (let i = 0; i < 32 * 32; i++) {
        const px = Array.from(img.rgba.slice(4 * i, 4 * i + 3));
        if (px.join() !== '255,255,255') {
          expect(px).toEqual(colour);
          coloured++;
        }
      }
      expect(coloured).toBe(16); // four 2×2 marks
      // every corner carries the mark (the correlation), at offset 2
      for (const [x, y] of [[2, 2], [29, 2], [2, 29], [29, 29]]) expect(Array.from(img.rgba.slice(4 * (y * 32 + x), 4 * (y * 32 + x) + 3))).toEqual(colour);
    }
    expect(() => figure9Toy({ resolution: 8, markSize: 3, markOffset: 2 })).toThrow(/do not fit/);
  });
});

describe('official format round trip and in-memory datasets', () => {
  it('procedural files import back with the same images, angles and labels; the in-memory dataset is identical', async () => {
    const { datasetFiles, encodeViews } = await import('../../src/data/procedural/files');
    const { importDataset, filesFromZip } = await import('../../src/data/importDataset');
    const { proceduralDataset } = await import('../../src/data/inMemory');
    const { zipSync } = await import('fflate');
    const opts = { seed: 3, views: 3, resolution: 16, background: 'env' as const, aa: 1 };
    const objs = [0, 1, 2, 3].map((i) => generateObject(i, opts));
    const files = datasetFiles(objs.map((o) => encodeViews(o.label, o.views, 16)));
    const json = JSON.parse(new TextDecoder().decode(files.get('dataset.json')!));
    expect(json.camera_angles[0][0]).toBe('00000/img00000000.png');
    expect(json.labels).toHaveLength(12);
    for (const ds of [await importDataset(files), await importDataset(filesFromZip(zipSync(Object.fromEntries(files))))]) {
      expect(ds.names).toHaveLength(12);
      expect(ds.resolution).toBe(16);
      const mem = proceduralDataset({ ...opts, objects: 4 });
      expect(ds.names).toEqual(mem.names);
      expect(Array.from(ds.labels!)).toEqual(Array.from(mem.labels!));
      expect(Array.from(ds.cameraAngles)).toEqual(Array.from(mem.cameraAngles));
      for (let i = 0; i < 12; i++) expect(Buffer.from(ds.images[i]).equals(Buffer.from(mem.images[i]))).toBe(true);
      expect(ds.cameraAngles[3 * 4]).toBeCloseTo(objs[1].views[1].yaw, 6);
    }
  });

  it('the toy as a dataset: two frontal images, no labels', async () => {
    const { toyDataset } = await import('../../src/data/inMemory');
    const ds = toyDataset({ resolution: 32 });
    expect(ds.names).toEqual(['toy/img0', 'toy/img1']);
    expect(Array.from(ds.cameraAngles)).toEqual([0, Math.fround(Math.PI / 2), 0, 0, Math.fround(Math.PI / 2), 0]);
    expect(ds.labels).toBeNull();
  });
});

describe('procedural dataset names (npm run train / eval --dataset)', () => {
  it('procedural[:FAMILY][:OBJECTS:VIEWS][:env|white], with defaults; anything else is not procedural', () => {
    expect(parseProceduralSpec('procedural')).toEqual({ objects: 32, views: 32 });
    expect(parseProceduralSpec('procedural:plant')).toEqual({ family: 'plant', objects: 32, views: 32 });
    expect(parseProceduralSpec('procedural:96:16:env')).toEqual({ objects: 96, views: 16, background: 'env' });
    expect(parseProceduralSpec('procedural:fruit:8:4:white')).toEqual({ family: 'fruit', objects: 8, views: 4, background: 'white' });
    expect(parseProceduralSpec('procedural:white')).toEqual({ objects: 32, views: 32, background: 'white' });
    expect(parseProceduralSpec('data/plants')).toBeNull();
    expect(parseProceduralSpec('procedurals.zip')).toBeNull();
    for (const bad of ['procedural:12', 'procedural:tree:8:4', 'procedural:0:4', 'procedural:8:4:blue', 'procedural:8:4.5', 'procedural:8:4:5'])
      expect(() => parseProceduralSpec(bad), bad).toThrow(/expected procedural\[:plant\|mushroom\|fruit\]\[:OBJECTS:VIEWS\]\[:env\|white\]/);
  });
});
