/**
 * Weight files: encode → write → load round trips (float32 bit-exact, float16 within half precision),
 * sharding, progress, and every malformed-file case giving a WeightsError that names the file and problem.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { preset, type ModelConfig } from '../../src/model/config';
import { initParamArrays, numel, paramSpecs, type ParamArrays } from '../../src/model/params';
import {
  MODEL_JSON,
  SHARD_BYTES,
  WEIGHTS_FORMAT,
  WEIGHTS_FORMAT_VERSION,
  WeightsError,
  encodeWeights,
  loadWeights,
  memorySource,
  parseModelJson,
  type EncodedWeights,
  type LoadedWeights,
  type ModelJson,
} from '../../src/model/weights';
import { dirSource, writeWeightsDir } from '../../src/model/weightsNode';

// ---- fixtures and helpers -------------------------------------------------------------------------

const SMALL_SHARD = 64 * 1024;

let cfg: ModelConfig;
let arrays: ParamArrays;
let totalValues: number;
let enc32: EncodedWeights;
let enc16: EncodedWeights;
let tmpRoot: string;

beforeAll(() => {
  cfg = preset('tiny');
  arrays = initParamArrays(cfg, 3, { perturb: 0.1 });
  totalValues = paramSpecs(cfg).reduce((a, s) => a + numel(s.shape), 0);
  enc32 = encodeWeights(cfg, arrays, { shardBytes: SMALL_SHARD });
  enc16 = encodeWeights(cfg, arrays, { shardBytes: SMALL_SHARD, dtype: 'float16' });
  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'epigraf-weights-test-'));
});

afterAll(() => {
  if (tmpRoot) fs.rmSync(tmpRoot, { recursive: true, force: true });
});

let dirCounter = 0;
async function writeTmp(enc: EncodedWeights): Promise<string> {
  const dir = path.join(tmpRoot, `model${dirCounter++}`);
  await writeWeightsDir(dir, enc);
  return dir;
}

type Files = Map<string, Uint8Array | string>;

/** In-memory files of an encoded model; every shard is an independent copy, so tests may mutate them. */
function toFiles(enc: EncodedWeights): Files {
  const files: Files = new Map();
  files.set(MODEL_JSON, JSON.stringify(enc.modelJson));
  for (const s of enc.shards) files.set(s.path, new Uint8Array(s.data));
  return files;
}

/** Rewrites model.json of `files` through `edit` (which gets a deep copy). */
function editJson(files: Files, edit: (mj: any) => void): Files {
  const mj = JSON.parse(files.get(MODEL_JSON) as string);
  edit(mj);
  files.set(MODEL_JSON, JSON.stringify(mj));
  return files;
}

function shardPaths(enc: EncodedWeights): string[] {
  return enc.shards.map((s) => s.path);
}

/** The tensor holding the byte at `offset` of the (single) group's concatenated shards, and its value index. */
function tensorAt(mj: ModelJson, offset: number): { name: string; index: number } {
  let start = 0;
  for (const w of mj.weightsManifest[0].weights) {
    const bytesPer = w.quantization ? 2 : 4;
    const nb = numel(w.shape) * bytesPer;
    if (offset < start + nb) return { name: w.name, index: (offset - start) / bytesPer };
    start += nb;
  }
  throw new Error(`offset ${offset} is past the end`);
}

/** Awaits `p`, which must reject with a WeightsError (never a TypeError or other raw error) for `file`. */
async function expectWeightsError(p: Promise<unknown>, file: string, ...patterns: RegExp[]): Promise<WeightsError> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err, 'the load should have failed').toBeDefined();
  expect(err).not.toBeInstanceOf(TypeError);
  expect(err).toBeInstanceOf(WeightsError);
  const we = err as WeightsError;
  expect(we.name).toBe('WeightsError');
  expect(we.file).toBe(file);
  expect(we.message).toBe(`${file}: ${we.problem}`);
  for (const re of patterns) expect(we.problem).toMatch(re);
  return we;
}

const loadFiles = (files: Files) => loadWeights(memorySource(files));

function f32Bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

/** Number of values whose bit patterns differ (0 = bit-exact). */
function bitMismatches(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  const x = f32Bits(a);
  const y = f32Bits(b);
  let n = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) n++;
  return n;
}

function cloneArrays(a: ParamArrays): ParamArrays {
  return new Map([...a].map(([k, v]) => [k, v.slice()]));
}

// ---- encoding ---------------------------------------------------------------------------------------

describe('encodeWeights', () => {
  it('writes a tfjs-style manifest with the config and format version', () => {
    const mj = enc32.modelJson;
    expect(mj.format).toBe(WEIGHTS_FORMAT);
    expect(mj.formatVersion).toBe(WEIGHTS_FORMAT_VERSION);
    expect(mj.config).toEqual(cfg);
    expect(mj.weightsManifest).toHaveLength(1);
    const g = mj.weightsManifest[0];
    expect(g.paths).toEqual(shardPaths(enc32));
    expect(g.weights.map((w) => w.name)).toEqual(paramSpecs(cfg).map((s) => s.name));
    expect(g.weights.map((w) => w.shape)).toEqual(paramSpecs(cfg).map((s) => s.shape));
    for (const w of g.weights) {
      expect(w.dtype).toBe('float32');
      expect(w.quantization).toBeUndefined();
    }
  });

  it('splits into several shards, none larger than shardBytes, named NofM', () => {
    const n = enc32.shards.length;
    expect(n).toBe(Math.ceil((totalValues * 4) / SMALL_SHARD));
    expect(n).toBeGreaterThan(2);
    for (const s of enc32.shards) expect(s.data.length).toBeLessThanOrEqual(SMALL_SHARD);
    for (const s of enc32.shards.slice(0, -1)) expect(s.data.length).toBe(SMALL_SHARD);
    expect(enc32.shards.reduce((a, s) => a + s.data.length, 0)).toBe(totalValues * 4);
    expect(enc32.shards.map((s) => s.path)).toEqual(Array.from({ length: n }, (_, i) => `group1-shard${i + 1}of${n}.bin`));
  });

  it('uses shards of at most 4 MB by default (preset small is larger than that in float32)', () => {
    expect(SHARD_BYTES).toBe(4 * 1024 * 1024);
    const small = preset('small');
    const smallArrays: ParamArrays = new Map(paramSpecs(small).map((s) => [s.name, new Float32Array(numel(s.shape)).fill(0.25)]));
    const total = [...smallArrays.values()].reduce((a, v) => a + v.length * 4, 0);
    expect(total).toBeGreaterThan(4 * 1024 * 1024);
    const enc = encodeWeights(small, smallArrays);
    expect(enc.shards.length).toBeGreaterThan(1);
    expect(enc.shards.length).toBe(Math.ceil(total / (4 * 1024 * 1024)));
    for (const s of enc.shards) expect(s.data.length).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(enc.shards.reduce((a, s) => a + s.data.length, 0)).toBe(total);
  });

  it('honours the shard prefix and keeps meta', () => {
    const enc = encodeWeights(cfg, arrays, { prefix: 'gen', meta: { description: 'test', placeholder: true } });
    expect(enc.shards[0].path).toMatch(/^gen-shard1of\d+\.bin$/);
    expect(enc.modelJson.meta).toEqual({ description: 'test', placeholder: true });
  });

  it('refuses to save non-finite values, out-of-range float16 values, and missing or mis-sized tensors', () => {
    const name = paramSpecs(cfg)[0].name;
    const withNaN = cloneArrays(arrays);
    withNaN.get(name)![5] = NaN;
    expect(() => encodeWeights(cfg, withNaN)).toThrow(new RegExp(`${name.replace(/\./g, '\\.')}.*NaN at index 5`));
    const big = cloneArrays(arrays);
    big.get(name)![0] = 70000;
    expect(() => encodeWeights(cfg, big, { dtype: 'float16' })).toThrow(/float16.*70000/);
    expect(encodeWeights(cfg, big).shards.length).toBe(1); // fine as float32
    const missing = cloneArrays(arrays);
    missing.delete(name);
    expect(() => encodeWeights(cfg, missing)).toThrow(/missing/);
    const wrong = cloneArrays(arrays);
    wrong.set(name, new Float32Array(3));
    expect(() => encodeWeights(cfg, wrong)).toThrow(/has 3 values/);
  });
});

// ---- round trips ------------------------------------------------------------------------------------

describe('round trip float32 (folder on disk)', () => {
  let dir: string;
  let loaded: LoadedWeights;

  beforeAll(async () => {
    dir = await writeTmp(enc32);
    loaded = await loadWeights(dirSource(dir));
  });

  it('writes model.json and every shard file, each ≤ shardBytes', () => {
    const names = fs.readdirSync(dir).sort();
    expect(names).toEqual([MODEL_JSON, ...shardPaths(enc32)].sort());
    for (const s of enc32.shards) {
      const size = fs.statSync(path.join(dir, s.path)).size;
      expect(size).toBe(s.data.length);
      expect(size).toBeLessThanOrEqual(SMALL_SHARD);
    }
  });

  it('loads the same config', () => {
    expect(loaded.config).toEqual(cfg);
    expect(loaded.meta).toEqual({});
    expect(loaded.dtype).toBe('float32');
    expect(loaded.bytes).toBe(totalValues * 4);
  });

  it('loads every tensor bit-exact, as fresh arrays', () => {
    expect([...loaded.arrays.keys()]).toEqual(paramSpecs(cfg).map((s) => s.name));
    for (const [name, a] of arrays) {
      const b = loaded.arrays.get(name)!;
      expect(b, name).toBeInstanceOf(Float32Array);
      expect(bitMismatches(a, b), name).toBe(0);
      expect(b.buffer).not.toBe(a.buffer);
    }
    // The perturbed init really has non-trivial values (so bit-exactness means something).
    expect(loaded.arrays.get('mapping.w_avg')!.some((v) => v !== 0)).toBe(true);
  });

  it('keeps meta', async () => {
    const meta = { description: 'round trip', placeholder: false, steps: 12 };
    const d = await writeTmp(encodeWeights(cfg, arrays, { meta }));
    expect((await loadWeights(dirSource(d))).meta).toEqual(meta);
  });
});

describe('round trip float16', () => {
  let loaded: LoadedWeights;

  beforeAll(async () => {
    loaded = await loadWeights(dirSource(await writeTmp(enc16)));
  });

  it('stores 2 bytes per value in shards ≤ shardBytes', () => {
    const total = enc16.shards.reduce((a, s) => a + s.data.length, 0);
    expect(total).toBe(2 * totalValues);
    expect(enc16.shards.length).toBe(Math.ceil((2 * totalValues) / SMALL_SHARD));
    for (const s of enc16.shards) expect(s.data.length).toBeLessThanOrEqual(SMALL_SHARD);
    expect(loaded.bytes).toBe(2 * totalValues);
  });

  it('marks every manifest entry with quantization float16', () => {
    for (const w of enc16.modelJson.weightsManifest[0].weights) {
      expect(w.dtype).toBe('float32');
      expect(w.quantization).toEqual({ dtype: 'float16', original_dtype: 'float32' });
    }
  });

  it('reports dtype float16 and the same config', () => {
    expect(loaded.dtype).toBe('float16');
    expect(loaded.config).toEqual(cfg);
  });

  it('loads every value within float16 precision', () => {
    let worst = 0;
    let changed = 0;
    for (const [name, a] of arrays) {
      const b = loaded.arrays.get(name)!;
      expect(b.length, name).toBe(a.length);
      for (let i = 0; i < a.length; i++) {
        const err = Math.abs(a[i] - b[i]);
        const bound = 2 ** -11 * Math.abs(a[i]) + 2 ** -24;
        if (err > bound) throw new Error(`${name}[${i}]: ${a[i]} came back as ${b[i]} (error ${err} > ${bound})`);
        worst = Math.max(worst, err / bound);
        if (a[i] !== b[i]) changed++;
      }
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(changed).toBeGreaterThan(totalValues / 2); // values really were rounded to half precision
  });
});

describe('progress', () => {
  it('reports monotonically increasing loaded bytes, one call per shard, ending at the total', async () => {
    const calls: [number, number][] = [];
    await loadWeights(memorySource(toFiles(enc32)), (loaded, total) => calls.push([loaded, total]));
    const total = totalValues * 4;
    expect(calls).toHaveLength(enc32.shards.length);
    for (let i = 1; i < calls.length; i++) expect(calls[i][0]).toBeGreaterThan(calls[i - 1][0]);
    for (const [, t] of calls) expect(t).toBe(total);
    expect(calls[calls.length - 1][0]).toBe(total);
    // Each step is exactly one shard's size.
    let cum = 0;
    expect(calls.map(([l]) => l)).toEqual(enc32.shards.map((s) => (cum += s.data.length)));
  });

  it('works for float16 and a folder source too', async () => {
    const calls: [number, number][] = [];
    await loadWeights(dirSource(await writeTmp(enc16)), (loaded, total) => calls.push([loaded, total]));
    expect(calls).toHaveLength(enc16.shards.length);
    for (let i = 1; i < calls.length; i++) expect(calls[i][0]).toBeGreaterThan(calls[i - 1][0]);
    expect(calls[calls.length - 1]).toEqual([2 * totalValues, 2 * totalValues]);
  });
});

// ---- malformed files --------------------------------------------------------------------------------

describe('malformed model.json', () => {
  it('model.json missing entirely (memory and folder)', async () => {
    const files = toFiles(enc32);
    files.delete(MODEL_JSON);
    await expectWeightsError(loadFiles(files), MODEL_JSON, /cannot be read/, /dropped files/);
    const empty = fs.mkdtempSync(path.join(tmpRoot, 'empty-'));
    await expectWeightsError(loadWeights(dirSource(empty)), MODEL_JSON, /cannot be read/, /ENOENT/);
  });

  it('invalid JSON', async () => {
    const files = toFiles(enc32);
    files.set(MODEL_JSON, (files.get(MODEL_JSON) as string).slice(0, 100));
    await expectWeightsError(loadFiles(files), MODEL_JSON, /invalid JSON/);
  });

  it('JSON that is not an object', async () => {
    for (const text of ['null', '[]', '42', '"model"']) {
      const files = toFiles(enc32);
      files.set(MODEL_JSON, text);
      await expectWeightsError(loadFiles(files), MODEL_JSON, /JSON object/);
    }
  });

  it('wrong "format" string', async () => {
    const files = editJson(toFiles(enc32), (mj) => (mj.format = 'tfjs-layers'));
    await expectWeightsError(loadFiles(files), MODEL_JSON, /not an EpiGRAF-web weights file/, /tfjs-layers/);
    const none = editJson(toFiles(enc32), (mj) => delete mj.format);
    await expectWeightsError(loadFiles(none), MODEL_JSON, /format/);
  });

  it('unknown format version', async () => {
    const files = editJson(toFiles(enc32), (mj) => (mj.formatVersion = 2));
    await expectWeightsError(loadFiles(files), MODEL_JSON, /unsupported format version 2/);
    const str = editJson(toFiles(enc32), (mj) => (mj.formatVersion = '1'));
    await expectWeightsError(loadFiles(str), MODEL_JSON, /unsupported format version "1"/);
  });

  it('invalid config (triplane.resolution 48)', async () => {
    const files = editJson(toFiles(enc32), (mj) => (mj.config.triplane.resolution = 48));
    await expectWeightsError(loadFiles(files), MODEL_JSON, /config/, /triplane\.resolution/, /power of two/);
  });

  it('config missing or not an object', async () => {
    await expectWeightsError(loadFiles(editJson(toFiles(enc32), (mj) => delete mj.config)), MODEL_JSON, /config/);
    await expectWeightsError(loadFiles(editJson(toFiles(enc32), (mj) => (mj.config = { name: 'x' }))), MODEL_JSON, /config/, /zDim/);
  });

  it('config that does not match the tensors (triplane.channels changed)', async () => {
    const files = editJson(toFiles(enc32), (mj) => (mj.config.triplane.channels = 8));
    const e = await expectWeightsError(loadFiles(files), MODEL_JSON, /shape/, /config needs/);
    expect(e.problem).toMatch(/tensor "[^"]+"/);
  });

  it('meta that is not an object', async () => {
    await expectWeightsError(loadFiles(editJson(toFiles(enc32), (mj) => (mj.meta = 'hello'))), MODEL_JSON, /meta must be an object/);
    // "no" would have shown the placeholder banner
    await expectWeightsError(loadFiles(editJson(toFiles(enc32), (mj) => (mj.meta = { placeholder: 'no' }))), MODEL_JSON, /meta\.placeholder must be a boolean \(got "no"\)/);
  });

  it('empty or malformed weightsManifest', async () => {
    await expectWeightsError(loadFiles(editJson(toFiles(enc32), (mj) => (mj.weightsManifest = []))), MODEL_JSON, /weightsManifest/, /non-empty/);
    await expectWeightsError(loadFiles(editJson(toFiles(enc32), (mj) => delete mj.weightsManifest)), MODEL_JSON, /weightsManifest/);
    await expectWeightsError(loadFiles(editJson(toFiles(enc32), (mj) => (mj.weightsManifest = [{}]))), MODEL_JSON, /"paths" and "weights"/);
    await expectWeightsError(loadFiles(editJson(toFiles(enc32), (mj) => (mj.weightsManifest[0].paths = []))), MODEL_JSON, /no shard files/);
    await expectWeightsError(
      loadFiles(editJson(toFiles(enc32), (mj) => (mj.weightsManifest[0].weights[3] = null))),
      MODEL_JSON,
      /malformed entry/,
    );
    await expectWeightsError(
      loadFiles(editJson(toFiles(enc32), (mj) => (mj.weightsManifest[0].weights[3].shape = 'big'))),
      MODEL_JSON,
      /malformed entry/,
    );
  });

  it('wrong shape of one tensor names the tensor', async () => {
    const files = editJson(toFiles(enc32), (mj) => {
      const w = mj.weightsManifest[0].weights.find((x: any) => x.name === 'mapping.fc0.weight');
      w.shape = [128, 129];
    });
    await expectWeightsError(loadFiles(files), MODEL_JSON, /tensor "mapping\.fc0\.weight"/, /shape \[128,129\]/, /needs \[128,128\]/);
    const rank = editJson(toFiles(enc32), (mj) => (mj.weightsManifest[0].weights[0].shape = [128 * 128]));
    await expectWeightsError(loadFiles(rank), MODEL_JSON, /tensor "mapping\.fc0\.weight"/, /shape/);
    // dimensions given as strings read "[128,128] but the config needs [128,128]" before
    const text = editJson(toFiles(enc32), (mj) => (mj.weightsManifest[0].weights[0].shape = ['128', '128']));
    await expectWeightsError(loadFiles(text), MODEL_JSON, /shape \["128","128"\] but the config needs \[128,128\]/);
  });

  it('wrong dtype (int32)', async () => {
    const files = editJson(toFiles(enc32), (mj) => (mj.weightsManifest[0].weights[2].dtype = 'int32'));
    const name = enc32.modelJson.weightsManifest[0].weights[2].name;
    await expectWeightsError(loadFiles(files), MODEL_JSON, /unsupported dtype "int32"/, new RegExp(`"${name.replace(/\./g, '\\.')}"`));
  });

  it('unsupported quantization (uint8)', async () => {
    const files = editJson(toFiles(enc32), (mj) => (mj.weightsManifest[0].weights[1].quantization = { dtype: 'uint8', min: 0, scale: 1 }));
    await expectWeightsError(loadFiles(files), MODEL_JSON, /unsupported quantization/, /uint8/);
    const nul = editJson(toFiles(enc32), (mj) => (mj.weightsManifest[0].weights[1].quantization = null));
    await expectWeightsError(loadFiles(nul), MODEL_JSON, /unsupported quantization/);
  });

  it('mixed float32 and float16 tensors', async () => {
    const files = editJson(toFiles(enc32), (mj) => (mj.weightsManifest[0].weights[1].quantization = { dtype: 'float16' }));
    await expectWeightsError(loadFiles(files), MODEL_JSON, /mixes float32 and float16/);
  });

  it('a tensor missing from the manifest', async () => {
    const files = editJson(toFiles(enc32), (mj) => {
      mj.weightsManifest[0].weights = mj.weightsManifest[0].weights.filter((w: any) => w.name !== 'mapping.w_avg');
    });
    await expectWeightsError(loadFiles(files), MODEL_JSON, /tensor "mapping\.w_avg" is missing/);
  });

  it('an unexpected extra tensor', async () => {
    const files = editJson(toFiles(enc32), (mj) => mj.weightsManifest[0].weights.push({ name: 'mapping.fc9.weight', shape: [4], dtype: 'float32' }));
    await expectWeightsError(loadFiles(files), MODEL_JSON, /unexpected tensor "mapping\.fc9\.weight"/);
  });

  it('a tensor listed twice', async () => {
    const files = editJson(toFiles(enc32), (mj) => mj.weightsManifest[0].weights.push(mj.weightsManifest[0].weights[0]));
    await expectWeightsError(loadFiles(files), MODEL_JSON, /listed twice/);
  });

  it('shard paths that are not plain file names ("../", URLs, absolute paths, non-strings)', async () => {
    for (const bad of ['../group1-shard1of30.bin', 'http://x/y.bin', '/etc/passwd', 'sub/dir.bin', '.hidden', '', 42]) {
      const files = editJson(toFiles(enc32), (mj) => (mj.weightsManifest[0].paths[0] = bad));
      await expectWeightsError(loadFiles(files), MODEL_JSON, /shard path/, /not a plain file name/);
    }
  });

  it('parseModelJson accepts what encodeWeights writes', () => {
    const mj = parseModelJson(JSON.stringify(enc16.modelJson));
    expect(mj).toEqual(JSON.parse(JSON.stringify(enc16.modelJson)));
  });
});

describe('malformed shards', () => {
  it('a missing shard (deleted from a folder) names that shard', async () => {
    const dir = await writeTmp(enc32);
    const victim = enc32.shards[2].path;
    fs.rmSync(path.join(dir, victim));
    await expectWeightsError(loadWeights(dirSource(dir)), victim, /missing or unreadable/);
  });

  it('a missing shard (in memory) names that shard', async () => {
    const files = toFiles(enc32);
    const victim = enc32.shards[enc32.shards.length - 1].path;
    files.delete(victim);
    await expectWeightsError(loadFiles(files), victim, /missing or unreadable/);
  });

  it('a truncated last shard names that shard', async () => {
    const files = toFiles(enc32);
    const last = enc32.shards[enc32.shards.length - 1];
    files.set(last.path, last.data.slice(0, last.data.length - 3));
    await expectWeightsError(loadFiles(files), last.path, /truncated/, new RegExp(`${totalValues * 4 - 3} bytes`), new RegExp(`needs ${totalValues * 4}`));
  });

  it('a truncated last shard on disk names that shard', async () => {
    const dir = await writeTmp(enc16);
    const last = enc16.shards[enc16.shards.length - 1];
    fs.truncateSync(path.join(dir, last.path), last.data.length - 5);
    await expectWeightsError(loadWeights(dirSource(dir)), last.path, /truncated/);
  });

  it('a truncated middle shard names that shard', async () => {
    const files = toFiles(enc32);
    const mid = enc32.shards[3];
    files.set(mid.path, mid.data.slice(0, mid.data.length - 8));
    await expectWeightsError(loadFiles(files), mid.path, /truncated/);
  });

  it('a truncated first shard is reported as truncated (a WeightsError naming one of the shards)', async () => {
    const files = toFiles(enc32);
    const first = enc32.shards[0];
    files.set(first.path, first.data.slice(0, first.data.length - 8));
    let err: unknown;
    await loadFiles(files).catch((e) => (err = e));
    expect(err).toBeInstanceOf(WeightsError);
    expect(shardPaths(enc32)).toContain((err as WeightsError).file);
    expect((err as WeightsError).problem).toMatch(/truncated/);
  });

  it('a truncated first shard names that shard', async () => {
    const files = toFiles(enc32);
    const first = enc32.shards[0];
    files.set(first.path, first.data.slice(0, first.data.length - 8));
    await expectWeightsError(loadFiles(files), first.path, /truncated/);
  });

  it('a short middle shard is caught even when the last shard makes the total add up', async () => {
    const files = toFiles(enc32);
    const mid = enc32.shards[3];
    files.set(mid.path, mid.data.slice(0, mid.data.length - 4));
    const last = enc32.shards[enc32.shards.length - 1];
    const longer = new Uint8Array(last.data.length + 4);
    longer.set(last.data);
    files.set(last.path, longer);
    await expectWeightsError(loadFiles(files), mid.path, /truncated/);
  });

  it('extra bytes after the data name the last shard', async () => {
    const files = toFiles(enc32);
    const last = enc32.shards[enc32.shards.length - 1];
    const longer = new Uint8Array(last.data.length + 5);
    longer.set(last.data);
    files.set(last.path, longer);
    await expectWeightsError(loadFiles(files), last.path, /5 bytes more than the manifest/);
  });

  it('NaN in float32 data names the shard file and the tensor', async () => {
    const files = toFiles(enc32);
    const shardIndex = 2;
    const within = 4 * 1000;
    const victim = enc32.shards[shardIndex];
    const buf = files.get(victim.path) as Uint8Array;
    new DataView(buf.buffer, buf.byteOffset).setUint32(within, 0x7fc00000, true);
    const { name, index } = tensorAt(enc32.modelJson, shardIndex * SMALL_SHARD + within);
    const esc = name.replace(/\./g, '\\.');
    await expectWeightsError(loadFiles(files), victim.path, /NaN/, new RegExp(`tensor "${esc}"`), new RegExp(`at index ${index}\\b`));
  });

  it('Infinity in float16 data names the shard file and the tensor', async () => {
    const files = toFiles(enc16);
    const shardIndex = 1;
    const within = 2 * 333;
    const victim = enc16.shards[shardIndex];
    const buf = files.get(victim.path) as Uint8Array;
    new DataView(buf.buffer, buf.byteOffset).setUint16(within, 0x7c00, true);
    const { name, index } = tensorAt(enc16.modelJson, shardIndex * SMALL_SHARD + within);
    const esc = name.replace(/\./g, '\\.');
    await expectWeightsError(loadFiles(files), victim.path, /Infinity/, new RegExp(`tensor "${esc}"`), new RegExp(`at index ${index}\\b`));
  });

  it('NaN in the very last value names the last shard', async () => {
    const files = toFiles(enc16);
    const last = enc16.shards[enc16.shards.length - 1];
    const buf = files.get(last.path) as Uint8Array;
    new DataView(buf.buffer, buf.byteOffset).setUint16(buf.length - 2, 0xfe00, true);
    const lastName = enc16.modelJson.weightsManifest[0].weights.at(-1)!.name;
    await expectWeightsError(loadFiles(files), last.path, /NaN/, new RegExp(lastName.replace(/\./g, '\\.')));
  });
});

// ---- isolation ----------------------------------------------------------------------------------------

describe('a failed load leaves what was loaded before untouched', () => {
  it('model A is unchanged after broken loads, even when its source bytes are corrupted in place', async () => {
    const filesA = toFiles(enc32);
    const a = await loadFiles(filesA);
    const savedArrays = cloneArrays(a.arrays);
    const savedConfig = structuredClone(a.config);
    const savedKeys = [...a.arrays.keys()];

    // 1. Corrupt A's own shard buffers in place (NaN everywhere in the first shard) and reload from them.
    const first = filesA.get(enc32.shards[0].path) as Uint8Array;
    new Uint32Array(first.buffer, first.byteOffset, first.length / 4).fill(0x7fc00000);
    await expectWeightsError(loadFiles(filesA), enc32.shards[0].path, /NaN/);

    // 2. A broken manifest with a different config.
    await expectWeightsError(loadFiles(editJson(toFiles(enc32), (mj) => (mj.config.triplane.channels = 8))), MODEL_JSON, /shape/);

    // 3. A truncated float16 model of the same config (fails after reading every shard).
    const files16 = toFiles(enc16);
    const last = enc16.shards[enc16.shards.length - 1];
    files16.set(last.path, last.data.slice(0, 10));
    await expectWeightsError(loadFiles(files16), last.path, /truncated/);

    // 4. A float16 model with Inf in its last shard (fails after decoding most tensors).
    const inf16 = toFiles(enc16);
    const lb = inf16.get(last.path) as Uint8Array;
    new DataView(lb.buffer, lb.byteOffset).setUint16(lb.length - 2, 0x7c00, true);
    await expectWeightsError(loadFiles(inf16), last.path, /Infinity/);

    expect(a.config).toEqual(savedConfig);
    expect(a.dtype).toBe('float32');
    expect([...a.arrays.keys()]).toEqual(savedKeys);
    for (const [name, saved] of savedArrays) expect(bitMismatches(saved, a.arrays.get(name)!), name).toBe(0);
    // …and A is still identical to what was encoded.
    for (const [name, orig] of arrays) expect(bitMismatches(orig, a.arrays.get(name)!), name).toBe(0);
  });

  it('the arrays passed to encodeWeights are not modified by encoding or by loading', async () => {
    const before = cloneArrays(arrays);
    const enc = encodeWeights(cfg, arrays, { dtype: 'float16', shardBytes: SMALL_SHARD });
    const loaded = await loadFiles(toFiles(enc));
    for (const a of loaded.arrays.values()) a.fill(123); // mutating the loaded model must not reach the source
    for (const [name, b] of before) expect(bitMismatches(b, arrays.get(name)!), name).toBe(0);
  });
});
