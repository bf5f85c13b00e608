/**
 * Training checkpoints: G, its EMA, D and both optimizers' moments, with the configs and counters, in one
 * JSON manifest plus one float32 buffer. Resuming restores everything the next step reads; the step's random
 * stream is derived from (seed, step), so a resumed run draws what an uninterrupted one would.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ParamOptimizer } from './optimizer';
import { validateConfig, type ModelConfig } from '../model/config';
import { FileProblemError } from '../model/fileError';
import type { DConfig } from './discriminator';
import type { TrainOptions, Trainer } from './trainer';

export const CHECKPOINT_FORMAT = 'epigraf-web-checkpoint';
export const CHECKPOINT_VERSION = 1;
export const CHECKPOINT_JSON = 'checkpoint.json';
export const CHECKPOINT_BIN = 'checkpoint.bin';

export class CheckpointError extends FileProblemError {}

interface Entry {
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  config: ModelConfig;
  dconfig: DConfig;
  options: TrainOptions;
  seed: number;
  step: number;
  imagesSeen: number;
  tensors: Entry[];
}

async function optimizerTensors(opt: ParamOptimizer, prefix: string): Promise<[string, tf.Tensor][]> {
  return (await opt.getWeights()).map((w, i) => [`${prefix}/${i}`, w.tensor]);
}

export async function saveCheckpoint(t: Trainer): Promise<{ json: string; bin: Uint8Array }> {
  const named: [string, tf.Tensor][] = [
    ...Object.entries(t.G).map(([k, v]) => [`G/${k}`, v] as [string, tf.Tensor]),
    ...Object.entries(t.Gema).map(([k, v]) => [`Gema/${k}`, v] as [string, tf.Tensor]),
    ...Object.entries(t.D).map(([k, v]) => [`D/${k}`, v] as [string, tf.Tensor]),
    ...(await optimizerTensors(t.optimizers.G, 'optG')),
    ...(await optimizerTensors(t.optimizers.D, 'optD')),
  ];
  const entries: Entry[] = [];
  const parts: Float32Array[] = [];
  let offset = 0;
  for (const [name, tensor] of named) {
    // Every value is stored as float32: the optimisers' step counts are int32 tensors, whose raw bits read back as
    // float32 would be a denormal (exact as a float up to 2^24 steps).
    const data = Float32Array.from(await tensor.data());
    entries.push({ name, shape: tensor.shape, offset, length: data.length });
    parts.push(data);
    offset += data.length * 4;
  }
  const bin = new Uint8Array(offset);
  let o = 0;
  for (const p of parts) {
    bin.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), o);
    o += p.byteLength;
  }
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    config: t.cfg,
    dconfig: t.dcfg,
    options: t.t,
    seed: t.seed,
    step: t.step,
    imagesSeen: t.imagesSeen,
    tensors: entries,
  };
  return { json: JSON.stringify(manifest), bin };
}

/** The checkpoint's JSON manifest, validated (format, version, configs); tensors are read by parseCheckpoint. */
export function parseManifest(json: string): CheckpointManifest {
  let m: CheckpointManifest;
  try {
    m = JSON.parse(json);
  } catch (e) {
    throw new CheckpointError(CHECKPOINT_JSON, `invalid JSON (${(e as Error).message})`);
  }
  if (m?.format !== CHECKPOINT_FORMAT) throw new CheckpointError(CHECKPOINT_JSON, 'not an EpiGRAF-web training checkpoint');
  if (m.version !== CHECKPOINT_VERSION) throw new CheckpointError(CHECKPOINT_JSON, `unsupported checkpoint version ${m.version} (this build reads ${CHECKPOINT_VERSION})`);
  try {
    validateConfig(m.config);
  } catch (e) {
    throw new CheckpointError(CHECKPOINT_JSON, (e as Error).message);
  }
  const count = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  for (const key of ['step', 'imagesSeen', 'seed'] as const)
    if (!count(m[key])) throw new CheckpointError(CHECKPOINT_JSON, `"${key}" must be a whole number ≥ 0 (got ${JSON.stringify(m[key])})`);
  if (!Array.isArray(m.tensors)) throw new CheckpointError(CHECKPOINT_JSON, `"tensors" must be a list (got ${JSON.stringify(m.tensors)})`);
  for (const [i, e] of m.tensors.entries()) {
    const ok =
      e !== null && typeof e === 'object' && typeof e.name === 'string' && Array.isArray(e.shape) && e.shape.every(count) &&
      count(e.offset) && e.offset % 4 === 0 && count(e.length) && e.shape.reduce((a: number, d: number) => a * d, 1) === e.length;
    if (!ok) throw new CheckpointError(CHECKPOINT_JSON, `tensor entry ${i} ${JSON.stringify(e)?.slice(0, 120)} is not {name, shape, offset (a multiple of 4), length = the shape's size}`);
  }
  return m;
}

export function parseCheckpoint(json: string, bin: Uint8Array): { manifest: CheckpointManifest; tensors: Map<string, { shape: number[]; data: Float32Array }> } {
  const m = parseManifest(json);
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const e of m.tensors ?? []) {
    if (e.offset + e.length * 4 > bin.length) throw new CheckpointError(CHECKPOINT_BIN, `truncated: tensor "${e.name}" ends at byte ${e.offset + e.length * 4}, the file has ${bin.length}`);
    const data = new Float32Array(bin.slice(e.offset, e.offset + e.length * 4).buffer);
    if (!data.every(Number.isFinite)) throw new CheckpointError(CHECKPOINT_BIN, `tensor "${e.name}" holds NaN or Inf`);
    tensors.set(e.name, { shape: e.shape, data });
  }
  return { manifest: m, tensors };
}

/** Loads a parsed checkpoint into a trainer built with the same configs. */
export async function restoreCheckpoint(t: Trainer, json: string, bin: Uint8Array): Promise<void> {
  const { manifest, tensors } = parseCheckpoint(json, bin);
  if (JSON.stringify(manifest.config) !== JSON.stringify(t.cfg) || JSON.stringify(manifest.dconfig) !== JSON.stringify(t.dcfg))
    throw new CheckpointError(CHECKPOINT_JSON, 'was made for another model or discriminator config');
  // Patch sampling changes what D learns: a run resumes with the filter and scales it was started with.
  const filterOf = (o: Partial<TrainOptions>) => o.patchFilter ?? 'point';
  const scalesOf = (o: Partial<TrainOptions>) => JSON.stringify(o.patchScales ?? null);
  const o: Partial<TrainOptions> = manifest.options ?? {};
  if (filterOf(o) !== filterOf(t.t)) throw new CheckpointError(CHECKPOINT_JSON, `was trained with patch filter "${filterOf(o)}", this run uses "${filterOf(t.t)}"`);
  if (scalesOf(o) !== scalesOf(t.t)) throw new CheckpointError(CHECKPOINT_JSON, `was trained with patch scales ${scalesOf(o)}, this run uses ${scalesOf(t.t)}`);
  // So do the schedules: a resumed run with another length would jump back in its β anneal and σ noise.
  if (o.annealImages !== undefined && (o.annealImages !== t.t.annealImages || o.densityNoiseImages !== t.t.densityNoiseImages))
    throw new CheckpointError(CHECKPOINT_JSON, `was trained with schedules over ${o.annealImages} images (β anneal) and ${o.densityNoiseImages} (σ noise), this run's are over ${t.t.annealImages} and ${t.t.densityNoiseImages}: resume with the run's own schedule lengths (\`npm run train\` keeps them)`);
  const put = (vars: Record<string, tf.Variable>, prefix: string) => {
    for (const [k, v] of Object.entries(vars)) {
      const e = tensors.get(`${prefix}/${k}`);
      if (!e) throw new CheckpointError(CHECKPOINT_JSON, `tensor "${prefix}/${k}" is missing`);
      if (e.data.length !== v.size) throw new CheckpointError(CHECKPOINT_JSON, `tensor "${prefix}/${k}" has ${e.data.length} values, expected ${v.size}`);
      v.assign(tf.tensor(e.data, v.shape));
    }
  };
  put(t.G, 'G');
  put(t.Gema, 'Gema');
  put(t.D, 'D');
  for (const [prefix, opt] of [['optG', t.optimizers.G], ['optD', t.optimizers.D]] as const) {
    const ws = [...tensors].filter(([n]) => n.startsWith(`${prefix}/`)).sort((a, b) => Number(a[0].split('/')[1]) - Number(b[0].split('/')[1]));
    if (ws.length) {
      // Checkpoints written before step counts were converted hold the int32 bits of the count in its float32
      // slot: a positive denormal, which no real count is. Read those bits back as the integer they are.
      const [, first] = ws[0];
      if (first.data.length === 1 && first.data[0] > 0 && first.data[0] < 1.2e-38) first.data = new Float32Array([new Int32Array(first.data.buffer, first.data.byteOffset, 1)[0]]);
      await opt.setWeights(ws.map(([n, e]) => ({ name: n, tensor: tf.tensor(e.data, e.shape) })));
    }
  }
  t.step = manifest.step;
  t.imagesSeen = manifest.imagesSeen;
}
