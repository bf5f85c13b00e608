/** Reads ../shared/reference/official-vectors (the official implementation's ground truth) through the importer's reader. */
import { readFileSync, existsSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelConfig } from '../../src/model/config';
import type { OfficialTensor } from '../../src/model/official';
import { configFromOfficial, officialState, readOfficialContainer } from '../../src/model/officialImport';
import { paramSpecs } from '../../src/model/params';

const here = dirname(fileURLToPath(import.meta.url));

export function vectorsDir(): string {
  const candidates = [
    process.env.EPIGRAF_VECTORS,
    resolve(here, '../../../shared/reference/official-vectors'),
  ].filter((x): x is string => !!x);
  for (const c of candidates) if (existsSync(resolve(c, 'epigraf-small.json'))) return c;
  throw new Error(`official vectors not found (looked in ${candidates.join(', ')}); set EPIGRAF_VECTORS`);
}

export const vectorsJson = () => resolve(vectorsDir(), 'epigraf-small.json');
export const vectorsBin = () => resolve(vectorsDir(), 'epigraf-small.bin');

export interface OfficialVectors {
  meta: any;
  get(name: string): OfficialTensor;
  names: string[];
  /** The generator config of the vectors expressed as our ModelConfig (training sample counts: 48 + 48, 8 bg steps). */
  config: ModelConfig;
  /** `state/*` tensors without the prefix. */
  state(): Map<string, OfficialTensor>;
}

let cached: OfficialVectors | null = null;

export function loadOfficialVectors(): OfficialVectors {
  if (cached) return cached;
  const c = readOfficialContainer(readFileSync(vectorsJson(), 'utf8'), readFileSync(vectorsBin()), { json: 'epigraf-small.json', bin: 'epigraf-small.bin' });
  const config = configFromOfficial(c.meta, { name: 'official-vectors', rayStepMultiplier: 1, useNoise: true }, 'epigraf-small.json');
  cached = { meta: c.meta, get: c.get, names: c.names, config, state: () => officialState(c) };
  return cached;
}

/** An official-format export (meta as tools/export_official.py writes it) of one of our configs. */
export function exportOf(cfg: ModelConfig, arrays: Map<string, Float32Array>): { json: string; bin: Uint8Array } {
  const g = structuredClone(JSON.parse(readFileSync(vectorsJson(), 'utf8')).meta.generator_cfg_resolved);
  g.tri_plane = { ...g.tri_plane, res: cfg.triplane.resolution, feat_dim: cfg.triplane.channels, mlp: { n_layers: cfg.decoder.hidden.length + 1, hid_dim: cfg.decoder.hidden[0] } };
  g.bg_model = { ...g.bg_model, cmax: cfg.background.width, num_blocks: cfg.background.blocks, posenc_period_len: 2 ** cfg.background.fourierFrequencies, num_steps: cfg.background.steps };
  g.num_ray_steps = cfg.samples.coarse;
  g.w_dim = cfg.wDim;
  g.map_depth = cfg.mappingLayers;
  const meta = {
    generator_cfg_resolved: g,
    G_constructor_kwargs: { z_dim: cfg.zDim, w_dim: cfg.wDim, c_dim: cfg.cDim, img_resolution: 32, channel_base: cfg.triplane.channelBase, channel_max: cfg.triplane.channelMax },
    mapping_kwargs: { num_layers: cfg.mappingLayers },
  };
  const tensors: Record<string, { shape: number[]; offset: number; length: number }> = {};
  const total = [...arrays.values()].reduce((s, a) => s + a.length, 0);
  const bin = new Uint8Array(4 * total);
  const f = new Float32Array(bin.buffer);
  let off = 0;
  const shapes = new Map(paramSpecs(cfg).map((x) => [x.name, x.shape]));
  for (const [name, a] of arrays) {
    f.set(a, off);
    tensors[`state/${name}`] = { shape: shapes.get(name)!, offset: 4 * off, length: a.length };
    off += a.length;
  }
  return { json: JSON.stringify({ exporter: 'epigraf-official-export', exporterVersion: 1, meta, tensors }), bin };
}
