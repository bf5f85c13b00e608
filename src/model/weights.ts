/**
 * Weight files: tfjs's weights-manifest layout (`model.json` + binary shards of at most 4 MB, float16 stored
 * as tfjs's `quantization: {dtype: 'float16'}`), extended with the model config and a format version.
 * Loading validates everything and throws a WeightsError naming the file and the problem; it never mutates
 * anything that was loaded before.
 */
import { ConfigError, validateConfig, type ModelConfig } from './config';
import { FileProblemError } from './fileError';
import { FLOAT16_MAX, fromFloat16, toFloat16 } from './float16';
import { numel, paramSpecs, type ParamArrays } from './params';

export const WEIGHTS_FORMAT = 'epigraf-web';
export const WEIGHTS_FORMAT_VERSION = 1;
export const SHARD_BYTES = 4 * 1024 * 1024;
export const MODEL_JSON = 'model.json';

export type StoredDtype = 'float32' | 'float16';

export interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { dtype: 'float16'; original_dtype?: 'float32' };
}

export interface ManifestGroup {
  paths: string[];
  weights: ManifestEntry[];
}

/** Free-form facts about a weights file, shown by the viewer (e.g. a placeholder warning, training figures). */
export interface ModelMeta {
  description?: string;
  placeholder?: boolean;
  [key: string]: unknown;
}

export interface ModelJson {
  format: typeof WEIGHTS_FORMAT;
  formatVersion: number;
  config: ModelConfig;
  meta?: ModelMeta;
  weightsManifest: ManifestGroup[];
}

export interface EncodedWeights {
  modelJson: ModelJson;
  shards: { path: string; data: Uint8Array }[];
}

/** A weights file problem: `file` is model.json or a shard. */
export class WeightsError extends FileProblemError {}

/** Where `model.json` and its shards are read from: a folder, a URL prefix, a set of dropped files. */
export interface WeightsSource {
  /** Shown in errors, e.g. the folder or URL. */
  label: string;
  readText(path: string): Promise<string>;
  /** Rejects when the file does not exist. */
  readBinary(path: string): Promise<Uint8Array>;
}

export interface EncodeOptions {
  dtype?: StoredDtype;
  meta?: ModelMeta;
  shardBytes?: number;
  /** Shard file prefix. */
  prefix?: string;
}

export function encodeWeights(cfg: ModelConfig, arrays: ParamArrays, opts: EncodeOptions = {}): EncodedWeights {
  const dtype = opts.dtype ?? 'float32';
  const shardBytes = opts.shardBytes ?? SHARD_BYTES;
  const bytesPer = dtype === 'float16' ? 2 : 4;
  const specs = paramSpecs(cfg);
  const weights: ManifestEntry[] = [];
  let total = 0;
  for (const s of specs) {
    const a = arrays.get(s.name);
    if (!a) throw new Error(`cannot save: tensor "${s.name}" is missing`);
    if (a.length !== numel(s.shape)) throw new Error(`cannot save: tensor "${s.name}" has ${a.length} values, expected ${numel(s.shape)}`);
    total += a.length * bytesPer;
  }
  const buf = new Uint8Array(total);
  let off = 0;
  for (const s of specs) {
    const a = arrays.get(s.name)!;
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) throw new Error(`cannot save: tensor "${s.name}" holds ${a[i]} at index ${i}`);
      if (dtype === 'float16' && Math.abs(a[i]) > FLOAT16_MAX) throw new Error(`cannot save as float16: tensor "${s.name}" holds ${a[i]} (beyond ±${FLOAT16_MAX})`);
    }
    const bytes = dtype === 'float16' ? new Uint8Array(toFloat16(a).buffer) : new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    buf.set(bytes, off);
    off += bytes.length;
    const entry: ManifestEntry = { name: s.name, shape: s.shape, dtype: 'float32' };
    if (dtype === 'float16') entry.quantization = { dtype: 'float16', original_dtype: 'float32' };
    weights.push(entry);
  }
  const nShards = Math.max(1, Math.ceil(total / shardBytes));
  const prefix = opts.prefix ?? 'group1';
  const shards = Array.from({ length: nShards }, (_, i) => ({
    path: `${prefix}-shard${i + 1}of${nShards}.bin`,
    data: buf.subarray(i * shardBytes, Math.min(total, (i + 1) * shardBytes)),
  }));
  const modelJson: ModelJson = {
    format: WEIGHTS_FORMAT,
    formatVersion: WEIGHTS_FORMAT_VERSION,
    config: cfg,
    ...(opts.meta ? { meta: opts.meta } : {}),
    weightsManifest: [{ paths: shards.map((s) => s.path), weights }],
  };
  return { modelJson, shards };
}

export interface LoadedWeights {
  config: ModelConfig;
  meta: ModelMeta;
  arrays: ParamArrays;
  dtype: StoredDtype;
  bytes: number;
}

const SAFE_PATH = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses and validates `model.json` against the config's tensor list. */
export function parseModelJson(text: string): ModelJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new WeightsError(MODEL_JSON, `invalid JSON (${(e as Error).message})`);
  }
  if (!isObj(raw)) throw new WeightsError(MODEL_JSON, 'must hold a JSON object');
  if (raw.format !== WEIGHTS_FORMAT) throw new WeightsError(MODEL_JSON, `not an EpiGRAF-web weights file (format is ${JSON.stringify(raw.format)}, expected "${WEIGHTS_FORMAT}")`);
  if (raw.formatVersion !== WEIGHTS_FORMAT_VERSION)
    throw new WeightsError(MODEL_JSON, `unsupported format version ${JSON.stringify(raw.formatVersion)} (this build reads version ${WEIGHTS_FORMAT_VERSION})`);
  let config: ModelConfig;
  try {
    config = validateConfig(raw.config);
  } catch (e) {
    if (e instanceof ConfigError) throw new WeightsError(MODEL_JSON, `config: ${e.problems.join('; ')}`);
    throw e;
  }
  if (raw.meta !== undefined && !isObj(raw.meta)) throw new WeightsError(MODEL_JSON, 'meta must be an object');
  for (const [key, type] of [['placeholder', 'boolean'], ['description', 'string']] as const)
    if (isObj(raw.meta) && raw.meta[key] !== undefined && typeof raw.meta[key] !== type)
      throw new WeightsError(MODEL_JSON, `meta.${key} must be a ${type} (got ${JSON.stringify(raw.meta[key])})`);
  const groups = raw.weightsManifest;
  if (!Array.isArray(groups) || groups.length === 0) throw new WeightsError(MODEL_JSON, 'weightsManifest must be a non-empty list');
  const specs = new Map(paramSpecs(config).map((s) => [s.name, s]));
  const seen = new Set<string>();
  let dtype: StoredDtype | null = null;
  groups.forEach((g, gi) => {
    if (!isObj(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights)) throw new WeightsError(MODEL_JSON, `weightsManifest[${gi}] must have "paths" and "weights" lists`);
    for (const p of g.paths) if (typeof p !== 'string' || !SAFE_PATH.test(p)) throw new WeightsError(MODEL_JSON, `shard path ${JSON.stringify(p)} is not a plain file name`);
    if (g.paths.length === 0) throw new WeightsError(MODEL_JSON, `weightsManifest[${gi}] lists no shard files`);
    for (const w of g.weights) {
      if (!isObj(w) || typeof w.name !== 'string' || !Array.isArray(w.shape)) throw new WeightsError(MODEL_JSON, `weightsManifest[${gi}] has a malformed entry ${JSON.stringify(w)}`);
      const spec = specs.get(w.name);
      if (!spec) throw new WeightsError(MODEL_JSON, `unexpected tensor "${w.name}": the config does not have it`);
      if (seen.has(w.name)) throw new WeightsError(MODEL_JSON, `tensor "${w.name}" is listed twice`);
      seen.add(w.name);
      const shape = w.shape as unknown[];
      if (shape.length !== spec.shape.length || shape.some((d, i) => d !== spec.shape[i]))
        throw new WeightsError(MODEL_JSON, `tensor "${w.name}" has shape ${JSON.stringify(shape)} but the config needs ${JSON.stringify(spec.shape)}`);
      if (w.dtype !== 'float32') throw new WeightsError(MODEL_JSON, `tensor "${w.name}" has unsupported dtype ${JSON.stringify(w.dtype)} (expected "float32")`);
      const q = w.quantization;
      const stored: StoredDtype = q === undefined ? 'float32' : isObj(q) && q.dtype === 'float16' ? 'float16' : (null as never);
      if (!stored) throw new WeightsError(MODEL_JSON, `tensor "${w.name}" has unsupported quantization ${JSON.stringify(q)} (only float16)`);
      if (dtype && dtype !== stored) throw new WeightsError(MODEL_JSON, 'mixes float32 and float16 tensors');
      dtype = stored;
    }
  });
  for (const name of specs.keys()) if (!seen.has(name)) throw new WeightsError(MODEL_JSON, `tensor "${name}" is missing (the config needs it)`);
  return raw as unknown as ModelJson;
}

/** Loads and validates a whole model; `onProgress` reports bytes read of the shards. */
export async function loadWeights(source: WeightsSource, onProgress?: (loaded: number, total: number) => void): Promise<LoadedWeights> {
  let text: string;
  try {
    text = await source.readText(MODEL_JSON);
  } catch (e) {
    throw new WeightsError(MODEL_JSON, `cannot be read from ${source.label} (${(e as Error).message})`);
  }
  const mj = parseModelJson(text);
  const arrays: ParamArrays = new Map();
  let dtype: StoredDtype = 'float32';
  let totalBytes = 0;
  const expected = mj.weightsManifest.map((g) =>
    g.weights.reduce((acc, w) => acc + numel(w.shape) * (w.quantization ? 2 : 4), 0),
  );
  const grand = expected.reduce((a, b) => a + b, 0);
  for (const [gi, g] of mj.weightsManifest.entries()) {
    const parts: Uint8Array[] = [];
    for (const p of g.paths) {
      try {
        parts.push(await source.readBinary(p));
      } catch (e) {
        throw new WeightsError(p, `shard is missing or unreadable (${(e as Error).message})`);
      }
      totalBytes += parts[parts.length - 1].length;
      onProgress?.(totalBytes, grand);
    }
    const have = parts.reduce((a, b) => a + b.length, 0);
    // Every shard but the last has the same (full) size; a short one is truncated even when the total adds up.
    const full = parts.length > 1 ? Math.max(...parts.slice(0, -1).map((b) => b.length)) : Infinity;
    const shortIdx = parts.findIndex((b, i) => i < parts.length - 1 && b.length < full);
    if (shortIdx >= 0) throw new WeightsError(g.paths[shortIdx], `truncated: ${parts[shortIdx].length} bytes where every shard but the last holds ${full}`);
    if (parts.length > 1 && parts[parts.length - 1].length > full)
      throw new WeightsError(g.paths[parts.length - 1], `the last shard (${parts[parts.length - 1].length} bytes) is larger than the others (${full})`);
    if (have < expected[gi]) {
      throw new WeightsError(g.paths[parts.length - 1], `truncated: the shards of this group hold ${have} bytes, the manifest needs ${expected[gi]}`);
    }
    if (have > expected[gi]) throw new WeightsError(g.paths[g.paths.length - 1], `has ${have - expected[gi]} bytes more than the manifest describes`);
    const buf = new Uint8Array(have);
    const fileAt: { end: number; path: string }[] = [];
    let off = 0;
    parts.forEach((b, i) => {
      buf.set(b, off);
      off += b.length;
      fileAt.push({ end: off, path: g.paths[i] });
    });
    off = 0;
    for (const w of g.weights) {
      const n = numel(w.shape);
      const half = !!w.quantization;
      dtype = half ? 'float16' : 'float32';
      const nb = n * (half ? 2 : 4);
      const slice = buf.slice(off, off + nb);
      const values = half ? fromFloat16(new Uint16Array(slice.buffer)) : new Float32Array(slice.buffer);
      for (let i = 0; i < values.length; i++) {
        if (!Number.isFinite(values[i])) {
          const at = off + i * (half ? 2 : 4);
          const file = fileAt.find((f) => at < f.end)!.path;
          throw new WeightsError(file, `tensor "${w.name}" holds ${values[i]} at index ${i}`);
        }
      }
      arrays.set(w.name, values);
      off += nb;
    }
  }
  return { config: mj.config, meta: mj.meta ?? {}, arrays, dtype, bytes: totalBytes };
}

/** A source over in-memory files (dropped files, unzipped archives, tests). */
export function memorySource(files: Map<string, Uint8Array | string>, label = 'dropped files'): WeightsSource {
  const get = (p: string) => {
    const f = files.get(p);
    if (f === undefined) throw new Error('not found');
    return f;
  };
  return {
    label,
    readText: async (p) => {
      const f = get(p);
      return typeof f === 'string' ? f : new TextDecoder().decode(f);
    },
    readBinary: async (p) => {
      const f = get(p);
      return typeof f === 'string' ? new TextEncoder().encode(f) : f;
    },
  };
}

/** A source over HTTP, restricted to a relative URL prefix on the page's own origin. */
export function httpSource(baseUrl: string): WeightsSource {
  const base = baseUrl.endsWith('/') ? baseUrl : baseUrl + '/';
  const fetchOk = async (p: string) => {
    const res = await fetch(base + p);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    // Single-page-app servers answer unknown paths with index.html: that is a missing file, not bad JSON.
    if ((res.headers.get('content-type') ?? '').includes('text/html')) throw new Error('not found: the server answered with an HTML page');
    return res;
  };
  return {
    label: base,
    readText: async (p) => (await fetchOk(p)).text(),
    readBinary: async (p) => new Uint8Array(await (await fetchOk(p)).arrayBuffer()),
  };
}
