/**
 * The generator's tensors, named exactly as in the official `G_ema.state_dict()` so that official
 * checkpoints map one-to-one. Weights are stored raw (equalised-learning-rate gains are applied at run
 * time, as the official layers do). Constant buffers that the config determines (`resample_filter`,
 * `fourier_coefs`) are not stored.
 */
import {
  MAPPING_LR_MULTIPLIER,
  BG_OUT,
  decoderDims,
  bgFourierDim,
  blockResolutions,
  channelsAt,
  planeChannels,
  type ModelConfig,
} from './config';
import { MT19937 } from './prng';

export type ParamKind = 'param' | 'buffer';

/** How a fresh tensor is filled (the official initialisation). */
export type ParamInit =
  | { kind: 'randn'; scale: number }
  | { kind: 'const'; value: number };

export interface ParamSpec {
  name: string;
  shape: number[];
  kind: ParamKind;
  init: ParamInit;
}

export const MAPPING = 'mapping';
export const SYNTH = 'synthesis.tri_plane_decoder';
export const MLP = 'synthesis.tri_plane_mlp.model';
export const BG = 'synthesis.bg_model.blocks';

function fc(name: string, inF: number, outF: number, lrMul = 1, biasInit = 0): ParamSpec[] {
  return [
    { name: `${name}.weight`, shape: [outF, inF], kind: 'param', init: { kind: 'randn', scale: 1 / lrMul } },
    { name: `${name}.bias`, shape: [outF], kind: 'param', init: { kind: 'const', value: biasInit / lrMul } },
  ];
}

function synthLayer(name: string, inC: number, outC: number, wDim: number, res: number, useNoise: boolean): ParamSpec[] {
  const specs: ParamSpec[] = [
    ...fc(`${name}.affine`, wDim, inC, 1, 1),
    { name: `${name}.weight`, shape: [outC, inC, 3, 3], kind: 'param', init: { kind: 'randn', scale: 1 } },
    { name: `${name}.bias`, shape: [outC], kind: 'param', init: { kind: 'const', value: 0 } },
  ];
  if (useNoise) {
    specs.push(
      { name: `${name}.noise_strength`, shape: [], kind: 'param', init: { kind: 'const', value: 0 } },
      { name: `${name}.noise_const`, shape: [res, res], kind: 'buffer', init: { kind: 'randn', scale: 1 } },
    );
  }
  return specs;
}

function toRgb(name: string, inC: number, outC: number, wDim: number): ParamSpec[] {
  return [
    ...fc(`${name}.affine`, wDim, inC, 1, 1),
    { name: `${name}.weight`, shape: [outC, inC, 1, 1], kind: 'param', init: { kind: 'randn', scale: 1 } },
    { name: `${name}.bias`, shape: [outC], kind: 'param', init: { kind: 'const', value: 0 } },
  ];
}

function modLinear(name: string, inC: number, outC: number, wDim: number): ParamSpec[] {
  return [
    ...fc(`${name}.affine`, wDim, inC, 1, 1),
    { name: `${name}.weight`, shape: [outC, inC], kind: 'param', init: { kind: 'randn', scale: 1 } },
    { name: `${name}.bias`, shape: [outC], kind: 'param', init: { kind: 'const', value: 0 } },
  ];
}

/** Every stored tensor of a generator with this config, in a fixed order. */
export function paramSpecs(cfg: ModelConfig): ParamSpec[] {
  const specs: ParamSpec[] = [];
  const embed = cfg.cDim > 0 ? cfg.wDim : 0;
  if (cfg.cDim > 0) specs.push(...fc(`${MAPPING}.embed`, cfg.cDim, embed));
  for (let i = 0; i < cfg.mappingLayers; i++) {
    const inF = i === 0 ? cfg.zDim + embed : cfg.wDim;
    specs.push(...fc(`${MAPPING}.fc${i}`, inF, cfg.wDim, MAPPING_LR_MULTIPLIER));
  }
  specs.push({ name: `${MAPPING}.w_avg`, shape: [cfg.wDim], kind: 'buffer', init: { kind: 'const', value: 0 } });

  const outC = planeChannels(cfg);
  for (const res of blockResolutions(cfg)) {
    const c = channelsAt(cfg, res);
    const b = `${SYNTH}.b${res}`;
    if (res === 4) {
      specs.push({ name: `${b}.const`, shape: [c, 4, 4], kind: 'param', init: { kind: 'randn', scale: 1 } });
    } else {
      specs.push(...synthLayer(`${b}.conv0`, channelsAt(cfg, res / 2), c, cfg.wDim, res, cfg.triplane.useNoise));
    }
    specs.push(...synthLayer(`${b}.conv1`, c, c, cfg.wDim, res, cfg.triplane.useNoise));
    specs.push(...toRgb(`${b}.torgb`, c, outC, cfg.wDim));
  }

  const dims = decoderDims(cfg);
  for (let i = 0; i + 1 < dims.length; i++) specs.push(...fc(`${MLP}.${i}`, dims[i], dims[i + 1]));

  if (cfg.background.enabled) {
    const w = cfg.background.width;
    for (let i = 0; i < cfg.background.blocks; i++) {
      const b = `${BG}.${i}`;
      if (i === 0) {
        specs.push(...modLinear(`${b}.conv1`, bgFourierDim(cfg), w, cfg.wDim));
      } else {
        specs.push(...modLinear(`${b}.conv0`, w, w, cfg.wDim));
        specs.push(...modLinear(`${b}.conv1`, w, w, cfg.wDim));
      }
      specs.push(...modLinear(`${b}.to_out`, w, BG_OUT, cfg.wDim));
    }
  }
  return specs;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Plain (backend-free) parameter storage: name → float32 values. */
export type ParamArrays = Map<string, Float32Array>;

export interface InitOptions {
  /** Add perturb·N(0, 1) to every tensor, so biases, noise strengths and w_avg are non-zero (as the official test vectors do). */
  perturb?: number;
}

/** Official initialisation, deterministic from a seed. */
export function initParamArrays(cfg: ModelConfig, seed: number, opts: InitOptions = {}): ParamArrays {
  const rng = new MT19937(seed);
  const out: ParamArrays = new Map();
  for (const spec of paramSpecs(cfg)) {
    const n = numel(spec.shape);
    const a = new Float32Array(n);
    if (spec.init.kind === 'randn') for (let i = 0; i < n; i++) a[i] = rng.gauss() * spec.init.scale;
    else a.fill(spec.init.value);
    if (opts.perturb) for (let i = 0; i < n; i++) a[i] += opts.perturb * rng.gauss();
    out.set(spec.name, a);
  }
  return out;
}
