/** Import of official-format EpiGRAF datasets: PNG codec, dataset.json, validation errors, batches. */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { strToU8, unzlibSync, zipSync, zlibSync } from 'fflate';
import { decodePng, encodePng } from '../../src/data/png';
import { parseDatasetJson, writeDatasetJson, type DatasetJsonEntry } from '../../src/data/datasetJson';
import { DatasetError, filesFromZip, importDataset, type EpigrafDataset } from '../../src/data/importDataset';
import { filesFromDir } from '../../src/data/datasetNode';
import { sampleBatch } from '../../src/data/batches';

// ---------- helpers: an independent PNG writer, so decodePng is not only tested against encodePng ----------

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
const be32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
function pngChunk(type: string, data: ArrayLike<number>): number[] {
  const body = new Uint8Array([...strToU8(type), ...Array.from(data)]);
  return [...be32(data.length), ...body, ...be32(crc(body))];
}

function predictor(type: number, a: number, b: number, c: number): number {
  if (type === 0) return 0;
  if (type === 1) return a;
  if (type === 2) return b;
  if (type === 3) return Math.floor((a + b) / 2);
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

interface RawPng {
  width: number;
  height: number;
  colourType: number;
  bitDepth?: number;
  /** Unfiltered scanlines, packed as the PNG spec says. */
  rows: number[][];
  /** Filter type per row (cycled). */
  filters?: number[];
  plte?: number[];
  trns?: number[];
  interlace?: number;
  /** Split the zlib stream into this many IDAT chunks. */
  idatChunks?: number;
}

function buildPng(p: RawPng): Uint8Array {
  const depth = p.bitDepth ?? 8;
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[p.colourType]!;
  const bpp = Math.max(1, (channels * depth) / 8);
  const filters = p.filters ?? [0];
  const raw: number[] = [];
  p.rows.forEach((row, y) => {
    const type = filters[y % filters.length];
    const prev = y > 0 ? p.rows[y - 1] : row.map(() => 0);
    raw.push(type);
    row.forEach((v, x) => {
      const a = x >= bpp ? row[x - bpp] : 0;
      const c = x >= bpp ? prev[x - bpp] : 0;
      raw.push((v - predictor(type, a, prev[x], c)) & 255);
    });
  });
  const z = zlibSync(new Uint8Array(raw));
  const n = p.idatChunks ?? 1;
  const step = Math.ceil(z.length / n);
  const idats: number[] = [];
  for (let i = 0; i < z.length; i += step) idats.push(...pngChunk('IDAT', z.subarray(i, i + step)));
  const ihdr = [...be32(p.width), ...be32(p.height), depth, p.colourType, 0, 0, p.interlace ?? 0];
  return new Uint8Array([
    137, 80, 78, 71, 13, 10, 26, 10,
    ...pngChunk('IHDR', ihdr),
    ...(p.plte ? pngChunk('PLTE', p.plte) : []),
    ...(p.trns ? pngChunk('tRNS', p.trns) : []),
    ...idats,
    ...pngChunk('IEND', []),
  ]);
}

/** Deterministic pseudo-random bytes (LCG), different per seed. */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function image(size: number, seed: number, height = size): Uint8Array {
  return encodePng(bytes(size * height * 4, seed), size, height);
}

type Entry = DatasetJsonEntry & { size?: number; height?: number };
/** Files of a dataset with one random image per entry and the dataset.json the official tools write. */
function dataset(entries: Entry[]): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  entries.forEach((e, i) => files.set(e.path, image(e.size ?? 4, i + 1, e.height)));
  files.set('dataset.json', strToU8(writeDatasetJson(entries)));
  return files;
}
const ENTRIES: Entry[] = [
  { path: '00000/img00000002.png', yaw: -1.25, pitch: 1.5, label: 2 },
  { path: '00000/img00000000.png', yaw: 0.5, pitch: Math.PI / 2, roll: 0.125, label: 0 },
  { path: '00000/img00000001.png', yaw: Math.PI, pitch: 0.2, label: 1 },
];

async function importError(files: Map<string, Uint8Array>, label?: string): Promise<DatasetError> {
  try {
    await importDataset(files, { label });
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetError);
    const err = e as DatasetError;
    expect(err.message).toBe(`${err.file}: ${err.problem}`);
    return err;
  }
  throw new Error('importDataset accepted a broken dataset');
}
const withJson = (files: Map<string, Uint8Array>, json: unknown) =>
  new Map(files).set('dataset.json', strToU8(typeof json === 'string' ? json : JSON.stringify(json)));

// ---------- PNG ----------

describe('PNG codec', () => {
  it('round trips RGBA exactly at several sizes', () => {
    for (const [w, h] of [[1, 1], [7, 5], [33, 17], [64, 64]]) {
      const rgba = bytes(w * h * 4, w * 100 + h);
      const out = decodePng(encodePng(rgba, w, h));
      expect([out.width, out.height]).toEqual([w, h]);
      expect(out.rgba).toEqual(rgba);
    }
  });

  it('encodes smooth images with predictive filters', () => {
    const w = 32;
    const rgba = new Uint8Array(w * w * 4).map((_, i) => (i >> 2) % w * 4 + (i & 3));
    const png = encodePng(rgba, w, w);
    const raw = unzlibSync(png.subarray(8 + 25 + 8, png.length - 12 - 4));
    const filters = new Set(Array.from({ length: w }, (_, y) => raw[y * (w * 4 + 1)]));
    expect([...filters].some((f) => f !== 0)).toBe(true);
    expect(decodePng(png).rgba).toEqual(rgba);
  });

  it('decodes every filter type', () => {
    const rows = Array.from({ length: 10 }, (_, y) => Array.from(bytes(6 * 3, y + 7)));
    const png = buildPng({ width: 6, height: 10, colourType: 2, rows, filters: [0, 1, 2, 3, 4] });
    const { rgba } = decodePng(png);
    for (let y = 0; y < 10; y++) for (let x = 0; x < 6; x++) {
      expect(Array.from(rgba.subarray((y * 6 + x) * 4, (y * 6 + x) * 4 + 4))).toEqual([...rows[y].slice(3 * x, 3 * x + 3), 255]);
    }
  });

  const pixels = (png: Uint8Array) => {
    const d = decodePng(png);
    return Array.from({ length: d.width * d.height }, (_, i) => Array.from(d.rgba.subarray(4 * i, 4 * i + 4)));
  };

  it('decodes greyscale, grey+alpha, RGB, RGBA (8-bit, split IDAT)', () => {
    const f = [4, 3, 1];
    expect(pixels(buildPng({ width: 2, height: 2, colourType: 0, rows: [[0, 200], [17, 255]], filters: f, idatChunks: 3 })))
      .toEqual([[0, 0, 0, 255], [200, 200, 200, 255], [17, 17, 17, 255], [255, 255, 255, 255]]);
    expect(pixels(buildPng({ width: 2, height: 1, colourType: 4, rows: [[10, 20, 30, 40]], filters: f })))
      .toEqual([[10, 10, 10, 20], [30, 30, 30, 40]]);
    expect(pixels(buildPng({ width: 2, height: 1, colourType: 2, rows: [[1, 2, 3, 4, 5, 6]], filters: f })))
      .toEqual([[1, 2, 3, 255], [4, 5, 6, 255]]);
    expect(pixels(buildPng({ width: 1, height: 2, colourType: 6, rows: [[1, 2, 3, 4], [250, 251, 252, 0]], filters: f, idatChunks: 2 })))
      .toEqual([[1, 2, 3, 4], [250, 251, 252, 0]]);
  });

  it('decodes palette images (8-bit and packed 4-bit) with tRNS alpha', () => {
    const plte = [255, 0, 0, 0, 255, 0, 0, 0, 255];
    expect(pixels(buildPng({ width: 3, height: 1, colourType: 3, rows: [[2, 0, 1]], plte, trns: [128], filters: [1] })))
      .toEqual([[0, 0, 255, 255], [255, 0, 0, 128], [0, 255, 0, 255]]);
    // 4-bit: indices 1, 2, 0 pack as 0x12, 0x00 (last nibble is padding).
    expect(pixels(buildPng({ width: 3, height: 2, colourType: 3, bitDepth: 4, rows: [[0x12, 0x00], [0x21, 0x10]], plte, filters: [2, 4] })))
      .toEqual([[0, 255, 0, 255], [0, 0, 255, 255], [255, 0, 0, 255], [0, 0, 255, 255], [0, 255, 0, 255], [0, 255, 0, 255]]);
  });

  it('decodes 1-bit greyscale and colour-key transparency', () => {
    expect(pixels(buildPng({ width: 9, height: 1, colourType: 0, bitDepth: 1, rows: [[0b10100000, 0b10000000]] })).map((p) => p[0]))
      .toEqual([255, 0, 255, 0, 0, 0, 0, 0, 255]);
    expect(pixels(buildPng({ width: 2, height: 1, colourType: 0, rows: [[7, 8]], trns: [0, 8] })))
      .toEqual([[7, 7, 7, 255], [8, 8, 8, 0]]);
    expect(pixels(buildPng({ width: 2, height: 1, colourType: 2, rows: [[1, 2, 3, 1, 2, 4]], trns: [0, 1, 0, 2, 0, 3] })))
      .toEqual([[1, 2, 3, 0], [1, 2, 4, 255]]);
  });

  it('rejects unsupported and corrupt files with clear messages', () => {
    const good = image(4, 1);
    expect(() => decodePng(strToU8('GIF89a....'))).toThrow(/bad signature/);
    expect(() => decodePng(good.subarray(0, good.length - 20))).toThrow(/truncated/);
    expect(() => decodePng(good.subarray(0, 30))).toThrow(/truncated/);
    const flipped = good.slice();
    flipped[45] ^= 0xff; // inside IDAT
    expect(() => decodePng(flipped)).toThrow(/CRC mismatch in IDAT/);
    const rows16 = [[0, 1, 2, 3, 4, 5]];
    expect(() => decodePng(buildPng({ width: 1, height: 1, colourType: 2, bitDepth: 16, rows: rows16 }))).toThrow(/16-bit RGB .*not supported/);
    expect(() => decodePng(buildPng({ width: 1, height: 1, colourType: 2, rows: [[1, 2, 3]], interlace: 1 }))).toThrow(/interlaced/);
    expect(() => decodePng(buildPng({ width: 1, height: 1, colourType: 2, rows: [[1, 2, 3]], filters: [7] }))).toThrow(/filter type 7/);
    expect(() => decodePng(buildPng({ width: 1, height: 1, colourType: 3, rows: [[0]] }))).toThrow(/PLTE/);
    expect(() => decodePng(buildPng({ width: 1, height: 1, colourType: 3, rows: [[5]], plte: [1, 2, 3] }))).toThrow(/palette index 5/);
    expect(() => decodePng(buildPng({ width: 1, height: 1, colourType: 5, rows: [[1]] }))).toThrow(/colour type 5/);
    expect(() => decodePng(buildPng({ width: 4, height: 4, colourType: 2, rows: [[1, 2, 3]] }))).toThrow(/truncated image data/);
    const badZlib = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, ...pngChunk('IHDR', [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]),
      ...pngChunk('IDAT', [1, 2, 3, 4]), ...pngChunk('IEND', [])]);
    expect(() => decodePng(badZlib)).toThrow(/corrupt image data/);
  });
});

// ---------- dataset.json ----------

describe('dataset.json', () => {
  it('writes the official layout: [path, value] pair lists keyed with extension', () => {
    const json = JSON.parse(writeDatasetJson(ENTRIES));
    expect(json.labels).toEqual([['00000/img00000002.png', 2], ['00000/img00000000.png', 0], ['00000/img00000001.png', 1]]);
    expect(json.camera_angles[1]).toEqual(['00000/img00000000.png', [0.5, Math.PI / 2, 0.125]]);
    expect(json.camera_angles[0][1][2]).toBe(0);
    expect(JSON.parse(writeDatasetJson([{ path: 'a.png', yaw: 1, pitch: 1 }])).labels).toBeNull();
    expect(() => writeDatasetJson([{ path: 'a.png', yaw: 1, pitch: 1, label: 0 }, { path: 'b.png', yaw: 1, pitch: 1 }])).toThrow(/all or none/);
  });

  it('parses both layouts into maps keyed without extension', () => {
    const pairs = parseDatasetJson(writeDatasetJson(ENTRIES));
    const object = parseDatasetJson(JSON.stringify({
      labels: { '00000/img00000002': 2, '00000/img00000000.png': 0, './00000/img00000001.PNG': 1 },
      camera_angles: { '00000/img00000002': [-1.25, 1.5, 0], '00000/img00000000.png': [0.5, Math.PI / 2, 0.125], '00000\\img00000001': [Math.PI, 0.2, 0] },
    }));
    for (const parsed of [pairs, object]) {
      expect([...parsed.cameraAngles!.keys()].sort()).toEqual(['00000/img00000000', '00000/img00000001', '00000/img00000002']);
      expect(parsed.cameraAngles!.get('00000/img00000000')).toEqual([0.5, Math.PI / 2, 0.125]);
      expect(parsed.labels!.get('00000/img00000002')).toBe(2);
    }
    expect(parseDatasetJson('{"camera_angles": [["a.v2.png", [1, 1, 0]]], "labels": null}')).toEqual({
      labels: null, cameraAngles: new Map([['a.v2', [1, 1, 0]]]),
    });
    expect(parseDatasetJson('{"labels": [["a.png", [0.5, 0.25]]]}').labels!.get('a')).toEqual([0.5, 0.25]);
    expect(parseDatasetJson('{}')).toEqual({ labels: null, cameraAngles: null });
  });
});

// ---------- import ----------

describe('importDataset', () => {
  it('round trips written datasets: names, angles, labels, pixels', async () => {
    const files = dataset(ENTRIES);
    const ds = await importDataset(files);
    expect(ds.names).toEqual(['00000/img00000000', '00000/img00000001', '00000/img00000002']);
    expect(ds.resolution).toBe(4);
    expect(Array.from(ds.cameraAngles)).toEqual([0.5, Math.PI / 2, 0.125, Math.PI, 0.2, 0, -1.25, 1.5, 0].map(Math.fround));
    expect(ds.labels).toEqual(new Int32Array([0, 1, 2]));
    expect(ds.numClasses).toBe(3);
    expect(ds.images[0]).toEqual(bytes(4 * 4 * 4, 2)); // ENTRIES[1] was written with seed 2
    expect(ds.images[2]).toEqual(bytes(4 * 4 * 4, 1));
  });

  it('matches an object-layout dataset.json without extensions; labels optional; one-hot labels are classes', async () => {
    const files = dataset(ENTRIES.map(({ label: _, ...e }) => e));
    const ds = await importDataset(withJson(files, {
      camera_angles: Object.fromEntries(ENTRIES.map((e) => [e.path.replace('.png', ''), [e.yaw, e.pitch, 0]])),
    }));
    expect(ds.labels).toBeNull();
    expect(ds.numClasses).toBe(0);
    expect(ds.cameraAngles[3]).toBe(Math.fround(Math.PI));
    for (const empty of [{}, []]) {
      // an empty "labels" is an unlabelled dataset, as null is (it read as "no label … other images have one")
      const e = await importDataset(withJson(files, { labels: empty, camera_angles: ENTRIES.map((x) => [x.path, [x.yaw, x.pitch, 0]]) }));
      expect([e.labels, e.numClasses]).toEqual([null, 0]);
    }
    const onehot = await importDataset(withJson(files, {
      labels: Object.fromEntries(ENTRIES.map((e) => [e.path, [0, 0, 0, 0].map((_, j) => (j === e.label ? 1 : 0))])),
      camera_angles: ENTRIES.map((e) => [e.path, [e.yaw, e.pitch, 0]]),
    }));
    expect(onehot.labels).toEqual(new Int32Array([0, 1, 2]));
    expect(onehot.numClasses).toBe(4);
  });

  it('drops one folder wrapping everything (as folder pickers give paths)', async () => {
    const files = new Map([...dataset(ENTRIES)].map(([p, b]) => [`picked/${p}`, b]));
    expect((await importDataset(files)).names).toEqual(['00000/img00000000', '00000/img00000001', '00000/img00000002']);
  });

  it('ignores non-image files, hidden files and _depth.png maps', async () => {
    const files = dataset(ENTRIES);
    files.set('README.txt', strToU8('hi')).set('.DS_Store', new Uint8Array(3)).set('00000/._img00000000.png', new Uint8Array(3));
    files.set('00000/img00000000_depth.png', image(8, 9));
    expect((await importDataset(files)).names).toHaveLength(3);
  });

  it('reads a folder on disk (recursively)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'epigraf-ds-'));
    try {
      for (const [p, b] of dataset(ENTRIES)) {
        await mkdir(dirname(join(dir, p)), { recursive: true });
        await writeFile(join(dir, p), b);
      }
      await mkdir(join(dir, '.git'));
      await writeFile(join(dir, '.git', 'dataset.json'), '{}');
      const files = await filesFromDir(dir);
      expect([...files.keys()].sort()).toEqual(['00000/img00000000.png', '00000/img00000001.png', '00000/img00000002.png', 'dataset.json']);
      expect((await importDataset(files)).labels).toEqual(new Int32Array([0, 1, 2]));
      const missing = await filesFromDir(join(dir, 'nope')).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(DatasetError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads zips, with or without one wrapping folder', async () => {
    const files = dataset(ENTRIES);
    const wrapped = zipSync({
      mydata: Object.fromEntries(files),
      __MACOSX: { mydata: { '._dataset.json': new Uint8Array(4) } },
    });
    const fromWrapped = filesFromZip(wrapped);
    expect([...fromWrapped.keys()].sort()).toEqual([...files.keys()].sort());
    expect((await importDataset(fromWrapped)).names).toHaveLength(3);
    const flat = filesFromZip(zipSync(Object.fromEntries(files), { level: 0 }));
    expect((await importDataset(flat)).images[1]).toEqual(bytes(64, 3));
    const bad = (() => { try { filesFromZip(strToU8('not a zip'), 'x.zip'); } catch (e) { return e; } })();
    expect(bad).toBeInstanceOf(DatasetError);
    expect((bad as DatasetError).file).toBe('x.zip');
  });
});

describe('importDataset errors name the file and the problem', () => {
  const good = dataset(ENTRIES);
  const angles = (yaw: number, pitch: number) => ({ camera_angles: ENTRIES.map((e, i) => [e.path, i === 1 ? [yaw, pitch, 0] : [e.yaw, e.pitch, 0]]) });
  const cases: [string, () => Map<string, Uint8Array>, string, RegExp][] = [
    ['missing dataset.json', () => { const f = new Map(good); f.delete('dataset.json'); return f; }, 'dataset.json', /missing from shapes\.zip/],
    ['two dataset.json', () => new Map(good).set('00000/dataset.json', strToU8('{}')), '00000/dataset.json', /more than one dataset\.json \(also dataset\.json\)/],
    ['invalid JSON', () => withJson(good, '{"camera_angles": [}'), 'dataset.json', /invalid JSON/],
    ['NaN in JSON', () => withJson(good, '{"camera_angles": [["a.png", [NaN, 1, 0]]]}'), 'dataset.json', /NaN and Infinity/],
    ['not UTF-8', () => new Map(good).set('dataset.json', new Uint8Array([0xff, 0xfe, 0xfd])), 'dataset.json', /UTF-8/],
    ['top level not an object', () => withJson(good, [1, 2]), 'dataset.json', /JSON object/],
    ['camera_angles wrong type', () => withJson(good, { camera_angles: 'yes' }), 'dataset.json', /"camera_angles" must be an object or a list/],
    ['pair list item not a pair', () => withJson(good, { camera_angles: [['a.png', [1, 1, 0], 3]] }), 'dataset.json', /item 0 must be a \[path, value\] pair/],
    ['path not a string', () => withJson(good, { camera_angles: [[7, [1, 1, 0]]] }), 'dataset.json', /path is number 7/],
    ['angle not 3 numbers', () => withJson(good, { camera_angles: { a: [1, 1] } }), 'dataset.json', /camera_angles of "a" must be \[yaw, pitch, roll\]/],
    ['angle with a string', () => withJson(good, { camera_angles: { a: [1, '1', 0] } }), 'dataset.json', /3 finite numbers/],
    ['label a string', () => withJson(good, { ...angles(1, 1), labels: { [ENTRIES[0].path]: 'cat' } }), 'dataset.json', /label of .* must be a class number/],
    ['duplicate keys in pair list', () => withJson(good, { camera_angles: [['a.png', [1, 1, 0]], ['a', [1, 1, 0]]] }), 'dataset.json', /duplicate entry in "camera_angles": both "a.png" and "a"/],
    ['same key twice', () => withJson(good, { labels: [['a.png', 1], ['a.png', 1]], camera_angles: [] }), 'dataset.json', /"a.png" twice/],
    ['duplicate image names', () => new Map(good).set('00000/img00000001.PNG', image(4, 5)), '00000/img00000001.png', /duplicate image name "00000\/img00000001" \(also 00000\/img00000001\.PNG\)/],
    ['entry without image', () => { const f = new Map(good); f.delete(ENTRIES[2].path); return f; }, 'dataset.json', /camera_angles lists "00000\/img00000001" but there is no image/],
    ['label without image', () => withJson(good, { ...angles(1, 1), labels: [...ENTRIES.map((e) => [e.path, 0]), ['ghost.png', 1]] }), 'dataset.json', /labels lists "ghost"/],
    ['image without angles', () => new Map(good).set('extra.png', image(4, 8)), 'extra.png', /no camera angles in dataset\.json/],
    ['image without label', () => withJson(good, { ...angles(1, 1), labels: [[ENTRIES[0].path, 0]] }), ENTRIES[1].path, /no label/],
    ['JPEG present', () => new Map(good).set('00001/photo.JPG', new Uint8Array(10)), '00001/photo.JPG', /JPEG images are not supported in this build/],
    ['other format', () => new Map(good).set('x.gif', new Uint8Array(10)), 'x.gif', /\.gif images are not supported/],
    ['no images', () => new Map([['dataset.json', strToU8('{"camera_angles": []}')]]), 'shapes.zip', /no images/],
    ['unreadable image', () => new Map(good).set(ENTRIES[2].path, strToU8('garbage')), ENTRIES[2].path, /unreadable image \(PNG: not a PNG file/],
    ['truncated image', () => new Map(good).set(ENTRIES[2].path, good.get(ENTRIES[2].path)!.subarray(0, 40)), ENTRIES[2].path, /unreadable image .*truncated/],
    ['non-square image', () => dataset(ENTRIES.map((e, i) => (i === 0 ? { ...e, height: 5 } : e))), ENTRIES[0].path, /4×5; images must be square/],
    ['mixed sizes', () => dataset(ENTRIES.map((e, i) => (i === 2 ? { ...e, size: 8 } : e))), ENTRIES[2].path, /8×8 but 00000\/img00000000\.png is 4×4/],
    ['camera_angles missing', () => withJson(good, { labels: null }), 'dataset.json', /no "camera_angles".*all zeros/],
    ['angles all zero', () => withJson(good, { camera_angles: ENTRIES.map((e) => [e.path, [0, 0, 0]]) }), 'dataset.json', /yaw angles are all zeros/],
    ['pitch all zero', () => withJson(good, { camera_angles: ENTRIES.map((e) => [e.path, [1, 0, 0]]) }), 'dataset.json', /pitch angles are all zeros/],
    ['yaw too large', () => withJson(good, angles(3.2, 1)), ENTRIES[1].path, /yaw 3.2 is outside \[−π, π\]/],
    ['yaw too small', () => withJson(good, angles(-3.2, 1)), ENTRIES[1].path, /yaw -3.2 is outside/],
    ['pitch negative', () => withJson(good, angles(1, -0.1)), ENTRIES[1].path, /pitch -0.1 is outside \[0, π\]/],
    ['pitch beyond π', () => withJson(good, angles(1, 3.5)), ENTRIES[1].path, /pitch 3.5 is outside/],
    ['negative label', () => withJson(good, { ...angles(1, 1), labels: ENTRIES.map((e, i) => [e.path, i === 0 ? -1 : 0]) }), ENTRIES[0].path, /label -1 is not a non-negative integer/],
    ['fractional label', () => withJson(good, { ...angles(1, 1), labels: ENTRIES.map((e, i) => [e.path, i === 0 ? 1.5 : 0]) }), ENTRIES[0].path, /label 1.5 is not a non-negative integer/],
    ['float vector label', () => withJson(good, { ...angles(1, 1), labels: ENTRIES.map((e) => [e.path, [0.3, 0.7]]) }), ENTRIES[1].path, /float vector/],
    ['all-zero label', () => withJson(good, { ...angles(1, 1), labels: ENTRIES.map((e, i) => [e.path, i === 1 ? [0, 0] : [1, 0]]) }), ENTRIES[1].path, /label is all zeros: a one-hot class label has one 1/],
    ['mixed label kinds', () => withJson(good, { ...angles(1, 1), labels: ENTRIES.map((e, i) => [e.path, i === 0 ? [1, 0] : 0]) }), 'dataset.json', /mix class numbers and vectors/],
  ];
  it.each(cases)('%s', async (_, make, file, problem) => {
    const err = await importError(make(), 'shapes.zip');
    expect(err.file).toBe(file);
    expect(err.problem).toMatch(problem);
  });

  it('throws only DatasetError for randomly corrupted input', async () => {
    const rand = lcg(42);
    let rejected = 0;
    const json = good.get('dataset.json')!;
    for (let t = 0; t < 300; t++) {
      const f = new Map(good);
      const target = t % 2 ? ENTRIES[t % 3].path : 'dataset.json';
      const b = (target === 'dataset.json' ? json : good.get(target)!).slice(0, t % 7 === 0 ? Math.floor(rand() * json.length) : undefined);
      for (let k = 0; k < 1 + (t % 4); k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      f.set(target, b);
      await importDataset(f).catch((e: unknown) => {
        expect(e).toBeInstanceOf(DatasetError);
        rejected++;
      });
    }
    // Corruptions must be caught, not imported as other data: PNG CRCs, JSON syntax and truncation leave few bytes
    // that may change freely (all 300 of these seeded ones are rejected).
    expect(rejected).toBeGreaterThanOrEqual(290);
  });
});

// ---------- batches ----------

describe('sampleBatch', () => {
  let ds: EpigrafDataset;
  beforeAll(async () => {
    ds = await importDataset(dataset(ENTRIES));
  });

  it('has the right shapes, range and labels', () => {
    const b = sampleBatch(ds, 5, lcg(1), { mirror: true });
    expect(b.images.length).toBe(5 * 4 * 4 * 3);
    expect(b.cameraAngles.length).toBe(15);
    expect(b.indices.length).toBe(5);
    expect(b.labels).toEqual(Int32Array.from(b.indices, (i) => ds.labels![i]));
    expect(Math.min(...b.images)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...b.images)).toBeLessThanOrEqual(1);
    const unlabelled = { ...ds, labels: null, numClasses: 0 };
    expect(sampleBatch(unlabelled, 2, lcg(2), { mirror: false }).labels).toBeNull();
  });

  it('maps 0 → −1 and 255 → 1 and keeps unmirrored samples as they are', () => {
    const px = new Uint8Array(16 * 4).fill(255);
    px.fill(0, 0, 4);
    const tiny = { ...ds, images: [px], cameraAngles: new Float32Array([0.5, 1, 0.25]), labels: null };
    const b = sampleBatch(tiny, 1, () => 0, { mirror: false });
    expect(Array.from(b.images.subarray(0, 6))).toEqual([-1, -1, -1, 1, 1, 1]);
    expect(Array.from(b.cameraAngles)).toEqual([0.5, 1, 0.25]);
  });

  it('mirroring flips pixels horizontally and negates yaw, exactly', () => {
    const seq = [0.4, 0.3, 0.4, 0.7]; // sample 1: index 1, flipped; sample 2: index 1, not flipped
    let k = 0;
    const b = sampleBatch(ds, 2, () => seq[k++], { mirror: true });
    expect(Array.from(b.indices)).toEqual([1, 1]);
    expect(Array.from(b.mirrored)).toEqual([1, 0]);
    const r = ds.resolution;
    const src = ds.images[1];
    for (let y = 0; y < r; y++) for (let x = 0; x < r; x++) for (let c = 0; c < 3; c++) {
      const expected = src[(y * r + x) * 4 + c] / 127.5 - 1;
      expect(b.images[((y * r + (r - 1 - x)) * 3) + c]).toBe(Math.fround(expected));
      expect(b.images[r * r * 3 + (y * r + x) * 3 + c]).toBe(Math.fround(expected));
    }
    expect(Array.from(b.cameraAngles)).toEqual([-ds.cameraAngles[3], ds.cameraAngles[4], ds.cameraAngles[5], ...ds.cameraAngles.subarray(3, 6)]);
  });
});
