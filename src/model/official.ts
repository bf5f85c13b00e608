/**
 * Official EpiGRAF `G_ema.state_dict()` tensors → this project's parameters. The names are the same by
 * design; the official state additionally holds constant buffers that this project computes, which are checked
 * rather than stored (the Fourier coefficients and the resample filters), and the mapping's mean camera pose,
 * which only generator pose conditioning reads (an option the importer refuses).
 */
import { bgFourierCoefs, type ModelConfig } from './config';
import { FIR } from './layers';
import { numel, paramSpecs, type ParamArrays } from './params';

export interface OfficialTensor {
  shape: number[];
  data: Float32Array;
}

const DERIVED = /\.(resample_filter|fourier_encoder\.fourier_coefs)$|^mapping\.mean_camera_pose$/;

/** The official 2-D resample filter: the outer product of the normalised [1, 3, 3, 1], row-major [4, 4]. */
const RESAMPLE_FILTER_2D = FIR.flatMap((a) => FIR.map((b) => a * b));

const close = (got: Float32Array, want: ArrayLike<number>) =>
  got.length === want.length && Array.from(want).every((v, i) => Math.abs(v - got[i]) <= 1e-6 * Math.max(1, Math.abs(v)));

export class OfficialStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OfficialStateError';
  }
}

/** Maps official tensors (names without any "G_ema." prefix) to our parameter arrays, validating names and shapes. */
export function fromOfficialState(cfg: ModelConfig, state: Map<string, OfficialTensor>): ParamArrays {
  const out: ParamArrays = new Map();
  const specs = paramSpecs(cfg);
  const known = new Set(specs.map((s) => s.name));
  for (const [name, t] of state) {
    if (known.has(name)) continue;
    if (DERIVED.test(name)) {
      if (name.endsWith('fourier_coefs') && !close(t.data, bgFourierCoefs(cfg)))
        throw new OfficialStateError(`${name}: Fourier coefficients do not match background.fourierFrequencies = ${cfg.background.fourierFrequencies}`);
      if (name.endsWith('resample_filter') && !close(t.data, RESAMPLE_FILTER_2D))
        throw new OfficialStateError(`${name}: not the [1, 3, 3, 1] resample filter, the only one implemented (got [${t.shape}] ${Array.from(t.data.slice(0, 4), (v) => v.toPrecision(3)).join(', ')}, …)`);
      continue;
    }
    throw new OfficialStateError(`unexpected tensor "${name}" [${t.shape}] for this config (unsupported option?)`);
  }
  for (const spec of specs) {
    const t = state.get(spec.name);
    if (!t) throw new OfficialStateError(`missing tensor "${spec.name}" [${spec.shape}]`);
    if (numel(t.shape) !== numel(spec.shape) || (t.shape.length !== spec.shape.length && numel(spec.shape) !== 1) ||
        (t.shape.length === spec.shape.length && t.shape.some((d, i) => d !== spec.shape[i])))
      throw new OfficialStateError(`tensor "${spec.name}" has shape [${t.shape}], expected [${spec.shape}]`);
    out.set(spec.name, t.data);
  }
  return out;
}
