/** Reads ../shared/reference/official-vectors (the official implementation's ground truth). */
import { readFileSync, existsSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelConfig } from '../../src/model/config';
import type { OfficialTensor } from '../../src/model/official';

const here = dirname(fileURLToPath(import.meta.url));

export function vectorsDir(): string {
  const candidates = [
    process.env.EPIGRAF_VECTORS,
    resolve(here, '../../../shared/reference/official-vectors'),
  ].filter((x): x is string => !!x);
  for (const c of candidates) if (existsSync(resolve(c, 'epigraf-small.json'))) return c;
  throw new Error(`official vectors not found (looked in ${candidates.join(', ')}); set EPIGRAF_VECTORS`);
}

export interface OfficialVectors {
  meta: any;
  get(name: string): OfficialTensor;
  names: string[];
  /** The generator config of the vectors expressed as our ModelConfig. */
  config: ModelConfig;
  /** `state/*` tensors without the prefix. */
  state(): Map<string, OfficialTensor>;
}

let cached: OfficialVectors | null = null;

export function loadOfficialVectors(): OfficialVectors {
  if (cached) return cached;
  const dir = vectorsDir();
  const json = JSON.parse(readFileSync(resolve(dir, 'epigraf-small.json'), 'utf8'));
  const bin = readFileSync(resolve(dir, 'epigraf-small.bin'));
  const tensors: Record<string, { shape: number[]; offset: number; length: number }> = json.tensors;
  const get = (name: string): OfficialTensor => {
    const e = tensors[name];
    if (!e) throw new Error(`no tensor ${name} in the official vectors`);
    const data = new Float32Array(e.length);
    const view = new DataView(bin.buffer, bin.byteOffset + e.offset, e.length * 4);
    for (let i = 0; i < e.length; i++) data[i] = view.getFloat32(i * 4, true);
    return { shape: e.shape, data };
  };
  const g = json.meta.generator_cfg_resolved;
  const config: ModelConfig = {
    name: 'official-vectors',
    zDim: json.meta.G_constructor_kwargs.z_dim,
    wDim: g.w_dim,
    mappingLayers: g.map_depth,
    cDim: json.meta.G_constructor_kwargs.c_dim,
    triplane: {
      resolution: g.tri_plane.res,
      channels: g.tri_plane.feat_dim,
      channelBase: json.meta.G_constructor_kwargs.channel_base,
      channelMax: json.meta.G_constructor_kwargs.channel_max,
      convClamp: 256,
      useNoise: g.use_noise,
    },
    decoder: { hidden: Array(g.tri_plane.mlp.n_layers - 1).fill(g.tri_plane.mlp.hid_dim) },
    densityShift: g.density_shift,
    background: {
      enabled: g.bg_model.type === 'sphere',
      width: g.bg_model.cmax,
      blocks: g.bg_model.num_blocks,
      fourierFrequencies: Math.log2(g.bg_model.posenc_period_len),
      steps: g.bg_model.num_steps,
      start: g.bg_model.start,
    },
    camera: {
      radius: g.dataset.camera.radius,
      fovDeg: g.dataset.camera.fov,
      near: g.dataset.camera.ray_start,
      far: g.dataset.camera.ray_end,
      cubeScale: g.dataset.cube_scale,
      whiteBack: g.dataset.white_back,
    },
    samples: { coarse: g.num_ray_steps, fine: g.num_ray_steps },
  };
  const names = Object.keys(tensors);
  cached = {
    meta: json.meta,
    get,
    names,
    config,
    state: () => new Map(names.filter((n) => n.startsWith('state/')).map((n) => [n.slice(6), get(n)])),
  };
  return cached;
}
