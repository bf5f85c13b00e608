/**
 * Official EpiGRAF checkpoints → this project's model: reads what `tools/export_official.py` writes (the same
 * container as `official-vectors/`: `NAME.json` = `{exporter?, exporterVersion?, format (a description), meta,
 * tensors: {name: {shape, offset, length}}}`
 * plus `NAME.bin`, raw little-endian float32), builds our ModelConfig from the exported official config and maps
 * the `state/*` tensors with `fromOfficialState`. Weights stay raw: the equalised-learning-rate gains are
 * applied at run time by our layers, as the official layers do. Every problem names the file at fault.
 */
import { BG_CHANNEL_BASE, BG_COORD_DIM, BG_OUT, ConfigError, MAX_BG_STEPS, MAX_RAY_SAMPLES, validateConfig, type ModelConfig } from './config';
import { FileProblemError } from './fileError';
import { fromOfficialState, OfficialStateError, type OfficialTensor } from './official';
import type { ParamArrays } from './params';
import type { ModelMeta } from './weights';

export const OFFICIAL_EXPORT_FORMAT = 'epigraf-official-export';
export const OFFICIAL_EXPORT_VERSION = 1;
/** Prefix of the generator's state tensors inside the container (other prefixes, e.g. `io/`, are ignored). */
export const STATE_PREFIX = 'state/';

export class OfficialExportError extends FileProblemError {}

export interface OfficialContainer {
  meta: any;
  names: string[];
  get(name: string): OfficialTensor;
}

function isObj(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses the JSON header and checks every tensor entry against the binary's size. */
export function readOfficialContainer(jsonText: string, bin: Uint8Array, files: { json: string; bin: string }): OfficialContainer {
  let raw: unknown;
  try {
    raw = JSON.parse(jsonText);
  } catch (e) {
    throw new OfficialExportError(files.json, `invalid JSON (${(e as Error).message})`);
  }
  if (!isObj(raw)) throw new OfficialExportError(files.json, 'must hold a JSON object');
  if (raw.format === 'epigraf-web') throw new OfficialExportError(files.json, 'is viewer weights (model.json), not an official export: load it as weights');
  // `exporter` is written by tools/export_official.py; the official-vectors container (same layout) has none.
  if (raw.exporter !== undefined && raw.exporter !== OFFICIAL_EXPORT_FORMAT)
    throw new OfficialExportError(files.json, `not an official EpiGRAF export (exporter is ${JSON.stringify(raw.exporter)}, expected "${OFFICIAL_EXPORT_FORMAT}")`);
  if (raw.exporter !== undefined && raw.exporterVersion !== OFFICIAL_EXPORT_VERSION)
    throw new OfficialExportError(files.json, `unsupported export version ${JSON.stringify(raw.exporterVersion)} (this build reads version ${OFFICIAL_EXPORT_VERSION})`);
  if (!isObj(raw.meta) || !isObj(raw.meta.generator_cfg_resolved) || !isObj(raw.meta.G_constructor_kwargs))
    throw new OfficialExportError(files.json, 'meta.generator_cfg_resolved and meta.G_constructor_kwargs are missing (was it written by tools/export_official.py?)');
  if (!isObj(raw.tensors)) throw new OfficialExportError(files.json, '"tensors" must be an object of name → {shape, offset, length}');
  const entries = raw.tensors as Record<string, unknown>;
  for (const [name, e] of Object.entries(entries)) {
    if (!isObj(e) || !Array.isArray(e.shape) || e.shape.some((d: unknown) => !Number.isInteger(d) || (d as number) < 0) ||
        !Number.isInteger(e.offset) || !Number.isInteger(e.length) || e.offset < 0 || e.offset % 4 !== 0)
      throw new OfficialExportError(files.json, `tensor "${name}" has a malformed entry ${JSON.stringify(e)}`);
    const n = (e.shape as number[]).reduce((a, b) => a * b, 1);
    if (n !== e.length) throw new OfficialExportError(files.json, `tensor "${name}": shape [${e.shape}] holds ${n} values but length is ${e.length}`);
    if (e.dtype !== undefined && e.dtype !== 'float32') throw new OfficialExportError(files.json, `tensor "${name}" has dtype ${JSON.stringify(e.dtype)} (only float32 is written by the exporter)`);
    if (e.offset + 4 * e.length > bin.length)
      throw new OfficialExportError(files.bin, `truncated: tensor "${name}" needs bytes ${e.offset}…${e.offset + 4 * e.length} but the file has ${bin.length}`);
  }
  const get = (name: string): OfficialTensor => {
    const e = entries[name] as { shape: number[]; offset: number; length: number } | undefined;
    if (!e) throw new OfficialExportError(files.json, `no tensor "${name}"`);
    const data = new Float32Array(e.length);
    const view = new DataView(bin.buffer, bin.byteOffset + e.offset, e.length * 4);
    for (let i = 0; i < e.length; i++) data[i] = view.getFloat32(i * 4, true);
    return { shape: e.shape, data };
  };
  return { meta: raw.meta, names: Object.keys(entries), get };
}

/** The `state/*` tensors without the prefix. */
export function officialState(c: OfficialContainer): Map<string, OfficialTensor> {
  return new Map(c.names.filter((n) => n.startsWith(STATE_PREFIX)).map((n) => [n.slice(STATE_PREFIX.length), c.get(n)]));
}

export interface OfficialConfigOptions {
  /** Model name shown by the viewer (default: `official-<dataset name>`). */
  name?: string;
  /**
   * Samples per ray and background steps = the training values × this. The official inference script
   * doubles both (`ray_step_multiplier: 2`), which is the default; 1 gives the training setting.
   */
  rayStepMultiplier?: number;
  /** Whether the state holds noise buffers (official `use_noise`); read from the tensors when omitted. */
  useNoise?: boolean;
}

/** Most layers an exported MLP or background INR may have (the official ones have 2–4). */
const MAX_LAYERS = 64;

/**
 * Our ModelConfig from the exported official config (`meta.generator_cfg_resolved`, the resolved hydra config of
 * `G_ema.cfg` including its `dataset` section, and `meta.G_constructor_kwargs`). Options this project does not
 * implement are refused by name.
 */
export function configFromOfficial(meta: any, opts: OfficialConfigOptions = {}, file = 'export'): ModelConfig {
  const g = meta?.generator_cfg_resolved;
  const k = meta?.G_constructor_kwargs;
  if (!isObj(g) || !isObj(k)) throw new OfficialExportError(file, 'meta.generator_cfg_resolved / meta.G_constructor_kwargs missing');
  const unsupported: string[] = [];
  const need = (path: string, v: unknown): any => {
    if (v === undefined || v === null) unsupported.push(`${path} is missing`);
    return v;
  };
  /** A count that sizes arrays or is multiplied below: a whole number in [1, max], else 0 and a problem. */
  const count = (path: string, v: unknown, max: number): number => {
    if (need(path, v) === undefined || v === null) return 0;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max) return v;
    unsupported.push(`${path} = ${JSON.stringify(v)} (must be a whole number from 1 to ${max})`);
    return 0;
  };
  if (g.backbone !== undefined && g.backbone !== 'stylegan2') unsupported.push(`backbone "${g.backbone}" (only "stylegan2")`);
  if (g.camera_cond) unsupported.push('camera_cond = true (generator pose conditioning)');
  if (g.clamp_mode !== undefined && g.clamp_mode !== 'softplus') unsupported.push(`clamp_mode "${g.clamp_mode}" (only "softplus")`);
  const tp = isObj(g.tri_plane) ? g.tri_plane : (unsupported.push('tri_plane section is missing'), {} as any);
  if (tp.has_view_cond) unsupported.push('tri_plane.has_view_cond = true (view-dependent colour)');
  if (tp.posenc_period_len) unsupported.push(`tri_plane.posenc_period_len = ${tp.posenc_period_len} (positional encoding of tri-plane features)`);
  const mlp = isObj(tp.mlp) ? tp.mlp : {};
  const ds = isObj(g.dataset) ? g.dataset : (unsupported.push('dataset section is missing (camera and scene settings)'), {} as any);
  const cam = isObj(ds.camera) ? ds.camera : (unsupported.push('dataset.camera is missing'), {} as any);
  if (ds.last_back) unsupported.push('dataset.last_back = true');
  const bgm = isObj(g.bg_model) ? g.bg_model : { type: null };
  let background: ModelConfig['background'] = { enabled: false, width: 1, blocks: 1, fourierFrequencies: 1, steps: 2, start: 1 };
  if (bgm.type === 'sphere') {
    if (bgm.fmm?.enabled) unsupported.push('bg_model.fmm.enabled = true');
    if (bgm.coord_dim !== undefined && bgm.coord_dim !== BG_COORD_DIM) unsupported.push(`bg_model.coord_dim = ${bgm.coord_dim} (only ${BG_COORD_DIM})`);
    if (bgm.output_channels !== undefined && bgm.output_channels !== BG_OUT) unsupported.push(`bg_model.output_channels = ${bgm.output_channels} (only ${BG_OUT})`);
    const period = Number(need('bg_model.posenc_period_len', bgm.posenc_period_len));
    const freqs = Math.log2(period);
    if (!Number.isInteger(freqs) || freqs < 1) unsupported.push(`bg_model.posenc_period_len = ${bgm.posenc_period_len} (must be a power of two ≥ 2)`);
    const blocks = count('bg_model.num_blocks', bgm.num_blocks, MAX_LAYERS);
    const cbase = bgm.cbase ?? BG_CHANNEL_BASE;
    const widths = Array.from({ length: blocks }, (_, i) => Math.min(Math.floor(cbase / 2 ** (i + 2)), bgm.cmax));
    if (new Set(widths).size > 1) unsupported.push(`background INR widths ${widths} differ per block (bg_model.cbase ${cbase}, cmax ${bgm.cmax}): only one width is implemented`);
    background = { enabled: true, width: widths[0], blocks, fourierFrequencies: freqs, steps: count('bg_model.num_steps', bgm.num_steps, MAX_BG_STEPS), start: bgm.start ?? 1 };
  } else if (bgm.type !== null && bgm.type !== undefined) {
    unsupported.push(`bg_model.type "${bgm.type}" (only "sphere" or none)`);
  }
  const mult = opts.rayStepMultiplier ?? 2;
  const steps = count('num_ray_steps', g.num_ray_steps, MAX_RAY_SAMPLES);
  const mlpLayers = count('tri_plane.mlp.n_layers', mlp.n_layers, MAX_LAYERS);
  if (unsupported.length) throw new OfficialExportError(file, `unsupported official options: ${unsupported.join('; ')}`);
  const cfg = {
    name: opts.name ?? `official-${typeof ds.name === 'string' && ds.name ? ds.name : 'model'}`,
    zDim: k.z_dim,
    wDim: k.w_dim ?? g.w_dim,
    mappingLayers: meta.mapping_kwargs?.num_layers ?? g.map_depth,
    cDim: k.c_dim ?? 0,
    triplane: {
      resolution: tp.res,
      channels: tp.feat_dim,
      channelBase: k.channel_base,
      channelMax: k.channel_max,
      convClamp: 256,
      useNoise: opts.useNoise ?? g.use_noise ?? true,
    },
    decoder: { hidden: Array.from({ length: Math.max(0, mlpLayers - 1) }, () => mlp.hid_dim) },
    densityShift: g.density_shift ?? 0,
    background: background.enabled ? { ...background, steps: background.steps * mult } : background,
    camera: {
      radius: cam.radius,
      fovDeg: cam.fov,
      near: cam.ray_start,
      far: cam.ray_end,
      cubeScale: ds.cube_scale,
      whiteBack: !!ds.white_back,
    },
    samples: { coarse: steps * mult, fine: steps * mult },
  };
  try {
    return validateConfig(cfg);
  } catch (e) {
    if (e instanceof ConfigError) throw new OfficialExportError(file, `the exported config does not give a valid model: ${e.problems.join('; ')}`);
    throw e;
  }
}

export interface ImportedOfficial {
  config: ModelConfig;
  arrays: ParamArrays;
  meta: ModelMeta;
}

/** The whole import: container → config → our parameter arrays (validated names, shapes and values). */
export function importOfficial(jsonText: string, bin: Uint8Array, files: { json: string; bin: string }, opts: OfficialConfigOptions = {}): ImportedOfficial {
  const c = readOfficialContainer(jsonText, bin, files);
  const state = officialState(c);
  if (state.size === 0) throw new OfficialExportError(files.json, `holds no "${STATE_PREFIX}*" tensors (the generator's state_dict)`);
  const useNoise = opts.useNoise ?? [...state.keys()].some((n) => n.endsWith('.noise_const'));
  const config = configFromOfficial(c.meta, { ...opts, useNoise }, files.json);
  let arrays: ParamArrays;
  try {
    arrays = fromOfficialState(config, state);
  } catch (e) {
    if (e instanceof OfficialStateError) throw new OfficialExportError(files.json, e.message);
    throw e;
  }
  for (const [name, a] of arrays)
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new OfficialExportError(files.bin, `tensor "${name}" holds ${a[i]} at index ${i}`);
  const meta: ModelMeta = {
    description: `Imported from an official EpiGRAF checkpoint (${c.meta.source ?? files.json})`,
    official: { source: c.meta.source ?? null, dataset: c.meta.generator_cfg_resolved?.dataset?.name ?? null, cDim: config.cDim },
  };
  return { config, arrays, meta };
}

/** Finds an export among file names: `X.json` with `X.bin` beside it (not a viewer `model.json`). */
export function findOfficialExport(names: string[]): { json: string; bin: string } | null {
  const set = new Set(names);
  for (const n of names) {
    if (!n.toLowerCase().endsWith('.json') || n === 'model.json') continue;
    const bin = n.slice(0, -5) + '.bin';
    if (set.has(bin)) return { json: n, bin };
  }
  return null;
}
