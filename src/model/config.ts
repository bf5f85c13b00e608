/**
 * The model config: the single source of truth for every shape in the generator. The tfjs model, the
 * reference renderer, the weight files (and later the WGSL renderer) all read it. It is plain JSON so it
 * can travel inside `model.json`.
 */

export interface TriplaneConfig {
  /** Side of each of the three feature planes (power of two ≥ 4). Official: 512. */
  resolution: number;
  /** Feature channels per plane (`feat_dim`). Official: 32. */
  channels: number;
  /** StyleGAN2 channel schedule: channels at resolution r = min(channelBase / r, channelMax). */
  channelBase: number;
  channelMax: number;
  /** Clamp of conv outputs (±), null = off. Official: 256. */
  convClamp: number | null;
  /** Per-pixel noise inputs (`use_noise`). */
  useNoise: boolean;
}

export interface DecoderConfig {
  /** Hidden widths of the tri-plane MLP; input is `triplane.channels`, output is 4 (RGB + σ). Official: [64]. */
  hidden: number[];
}

export interface BackgroundConfig {
  /** The NeRF++ inverse-sphere background INR (`bg_model.type = sphere`). */
  enabled: boolean;
  /** Width of every modulated layer. Official: 128. */
  width: number;
  /** INR-GAN blocks; block 0 has 1 modulated layer, the others 2 → 2·blocks − 1 modulated layers. Official: 2. */
  blocks: number;
  /** Fourier frequencies per coordinate: sin/cos(π·2^k·x), k < F. Official: 6 (`posenc_period_len` 64 = 2^6). */
  fourierFrequencies: number;
  /** Steps along the inverse-sphere parametrisation at inference. Official: 16 (8 in training). */
  steps: number;
  /** Inverse depth where the background starts (`bg.start`). Official: 1. */
  start: number;
}

export interface CameraConfig {
  /** Camera distance from the origin. */
  radius: number;
  /** Full field of view, degrees. */
  fovDeg: number;
  near: number;
  far: number;
  /** World coordinates are divided by this before tri-plane lookup: the scene box is [−s, s]³. */
  cubeScale: number;
  /** Adds (1 − opacity) to RGB, i.e. a white background in [−1, 1] image space. */
  whiteBack: boolean;
}

export interface SamplesConfig {
  /** Coarse (stratified) samples per ray at inference. Official: 96 (48 in training). */
  coarse: number;
  /** Fine (importance) samples per ray at inference. Official: 96 (48 in training). */
  fine: number;
}

export interface ModelConfig {
  /** Preset or model name, shown in the UI. */
  name: string;
  zDim: number;
  wDim: number;
  /** Number of FC layers in the mapping network. Official: 2. */
  mappingLayers: number;
  /** Number of classes (one-hot labels); 0 = unconditional. */
  cDim: number;
  triplane: TriplaneConfig;
  decoder: DecoderConfig;
  /** Added to raw σ before softplus. Official: 0 (EG3D: −1). */
  densityShift: number;
  background: BackgroundConfig;
  camera: CameraConfig;
  samples: SamplesConfig;
}

/** Fixed by the official architecture, not configurable. */
export const MAPPING_LR_MULTIPLIER = 0.01;
export const W_AVG_BETA = 0.998;
export const DECODER_OUT = 4;
export const BG_COORD_DIM = 4;
export const BG_OUT = 4;
export const BG_CHANNEL_BASE = 32768;
export const RGB_CHANNELS = 3;

/** Megascans (M-Plants / M-Food) camera and scene settings of the official code. */
const MEGASCANS_CAMERA: CameraConfig = {
  radius: 1.0,
  fovDeg: 30,
  near: 0.75,
  far: 1.25,
  cubeScale: 0.475,
  whiteBack: true,
};

export type PresetName = 'official' | 'small' | 'tiny';

/**
 * `official`: the published architecture. `small` and `tiny` are sized for training in a tab or on 2 CPU
 * cores: 128² × 32 and 64² × 16 tri-planes, narrower mapping and synthesis, fewer samples per ray. They
 * use an environment background (no white back) so that the background INR has something to learn.
 */
export const PRESETS: Record<PresetName, ModelConfig> = {
  official: {
    name: 'official',
    zDim: 512,
    wDim: 512,
    mappingLayers: 2,
    cDim: 0,
    triplane: { resolution: 512, channels: 32, channelBase: 32768, channelMax: 512, convClamp: 256, useNoise: true },
    decoder: { hidden: [64] },
    densityShift: 0,
    background: { enabled: true, width: 128, blocks: 2, fourierFrequencies: 6, steps: 16, start: 1.0 },
    camera: { ...MEGASCANS_CAMERA },
    samples: { coarse: 96, fine: 96 },
  },
  small: {
    name: 'small',
    zDim: 256,
    wDim: 256,
    mappingLayers: 2,
    cDim: 0,
    triplane: { resolution: 128, channels: 32, channelBase: 8192, channelMax: 128, convClamp: 256, useNoise: true },
    decoder: { hidden: [64] },
    densityShift: 0,
    background: { enabled: true, width: 64, blocks: 2, fourierFrequencies: 6, steps: 16, start: 1.0 },
    camera: { ...MEGASCANS_CAMERA, whiteBack: false },
    samples: { coarse: 48, fine: 48 },
  },
  tiny: {
    name: 'tiny',
    zDim: 128,
    wDim: 128,
    mappingLayers: 2,
    cDim: 0,
    triplane: { resolution: 64, channels: 16, channelBase: 2048, channelMax: 64, convClamp: 256, useNoise: true },
    decoder: { hidden: [32] },
    densityShift: 0,
    background: { enabled: true, width: 32, blocks: 2, fourierFrequencies: 4, steps: 8, start: 1.0 },
    camera: { ...MEGASCANS_CAMERA, whiteBack: false },
    samples: { coarse: 24, fine: 24 },
  },
};

export function preset(name: PresetName): ModelConfig {
  const p = PRESETS[name];
  if (!p) throw new ConfigError([`unknown preset "${String(name)}" (known: ${Object.keys(PRESETS).join(', ')})`]);
  return structuredClone(p);
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid model config: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

type Check = (problems: string[]) => void;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function posInt(path: string, v: unknown, min = 1, max = Infinity): Check {
  return (p) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      p.push(`${path} must be an integer ${max < Infinity ? `from ${min} to ${max}` : `≥ ${min}`} (got ${JSON.stringify(v)})`);
  };
}

/**
 * Most samples per ray and background steps a config may ask for: every pixel of every frame marches them, so a
 * file asking for millions would stall the GPU until the driver resets it (and the viewer, recovering, would ask
 * again). The official inference settings are 96 + 96 and 16 steps.
 */
export const MAX_RAY_SAMPLES = 1024;
export const MAX_BG_STEPS = 256;

function finite(path: string, v: unknown, lo = -Infinity, hi = Infinity, loOpen = false): Check {
  return (p) => {
    const ok = typeof v === 'number' && Number.isFinite(v) && (loOpen ? v > lo : v >= lo) && v <= hi;
    if (!ok) p.push(`${path} must be a number in ${loOpen ? '(' : '['}${lo}, ${hi}] (got ${JSON.stringify(v)})`);
  };
}

function bool(path: string, v: unknown): Check {
  return (p) => {
    if (typeof v !== 'boolean') p.push(`${path} must be true or false (got ${JSON.stringify(v)})`);
  };
}

function section(raw: Record<string, unknown>, key: string, problems: string[]): Record<string, unknown> {
  const v = raw[key];
  if (!isObj(v)) {
    problems.push(`${key} must be an object`);
    return {};
  }
  return v;
}

/** Validates an untrusted value (e.g. parsed JSON) and returns it typed; throws ConfigError listing every problem. */
export function validateConfig(raw: unknown): ModelConfig {
  const problems: string[] = [];
  if (!isObj(raw)) throw new ConfigError(['config must be a JSON object']);
  const tp = section(raw, 'triplane', problems);
  const dec = section(raw, 'decoder', problems);
  const bg = section(raw, 'background', problems);
  const cam = section(raw, 'camera', problems);
  const smp = section(raw, 'samples', problems);
  const checks: Check[] = [
    (p) => {
      if (typeof raw.name !== 'string' || raw.name.length === 0) p.push('name must be a non-empty string');
    },
    posInt('zDim', raw.zDim),
    posInt('wDim', raw.wDim),
    posInt('mappingLayers', raw.mappingLayers),
    posInt('cDim', raw.cDim, 0),
    posInt('triplane.resolution', tp.resolution, 4),
    (p) => {
      const r = tp.resolution;
      if (typeof r === 'number' && !(Number.isInteger(Math.log2(r)) && r >= 4)) p.push(`triplane.resolution must be a power of two ≥ 4 (got ${r})`);
    },
    posInt('triplane.channels', tp.channels),
    posInt('triplane.channelBase', tp.channelBase),
    posInt('triplane.channelMax', tp.channelMax),
    (p) => {
      const c = tp.convClamp;
      if (c !== null && !(typeof c === 'number' && c > 0 && Number.isFinite(c))) p.push(`triplane.convClamp must be null or a positive number (got ${JSON.stringify(c)})`);
    },
    bool('triplane.useNoise', tp.useNoise),
    (p) => {
      const h = dec.hidden;
      if (!Array.isArray(h) || h.length === 0 || h.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < 1))
        p.push(`decoder.hidden must be a non-empty list of positive integers (got ${JSON.stringify(h)})`);
    },
    finite('densityShift', raw.densityShift),
    bool('background.enabled', bg.enabled),
    posInt('background.width', bg.width),
    posInt('background.blocks', bg.blocks),
    posInt('background.fourierFrequencies', bg.fourierFrequencies),
    posInt('background.steps', bg.steps, 2, MAX_BG_STEPS),
    finite('background.start', bg.start, 0, 1, true),
    finite('camera.radius', cam.radius, 0, Infinity, true),
    finite('camera.fovDeg', cam.fovDeg, 0, 179, true),
    finite('camera.near', cam.near, 0, Infinity, true),
    finite('camera.far', cam.far, 0, Infinity, true),
    (p) => {
      if (typeof cam.near === 'number' && typeof cam.far === 'number' && !(cam.far > cam.near)) p.push('camera.far must be greater than camera.near');
    },
    finite('camera.cubeScale', cam.cubeScale, 0, Infinity, true),
    bool('camera.whiteBack', cam.whiteBack),
    posInt('samples.coarse', smp.coarse, 3, MAX_RAY_SAMPLES),
    posInt('samples.fine', smp.fine, 0, MAX_RAY_SAMPLES),
  ];
  for (const c of checks) c(problems);
  if (problems.length) throw new ConfigError(problems);
  return raw as unknown as ModelConfig;
}

// ---- shapes derived from the config -------------------------------------------------------------

/** Resolutions of the synthesis blocks: 4, 8, …, triplane.resolution. */
export function blockResolutions(cfg: ModelConfig): number[] {
  const out: number[] = [];
  for (let r = 4; r <= cfg.triplane.resolution; r *= 2) out.push(r);
  return out;
}

export function channelsAt(cfg: ModelConfig, res: number): number {
  return Math.min(Math.floor(cfg.triplane.channelBase / res), cfg.triplane.channelMax);
}

/** Widths of the decoder MLP's layers, input to output: [C, ...hidden, 4]. */
export function decoderDims(cfg: ModelConfig): number[] {
  return [cfg.triplane.channels, ...cfg.decoder.hidden, DECODER_OUT];
}

/** Output channels of the synthesis network: three planes stacked (plane p = channels p·C … (p+1)·C − 1). */
export function planeChannels(cfg: ModelConfig): number {
  return 3 * cfg.triplane.channels;
}

/** ws used by the tri-plane synthesis: one per conv, plus the last block's toRGB. */
export function numWsTriplane(cfg: ModelConfig): number {
  const n = blockResolutions(cfg).length;
  return 1 + 2 * (n - 1) + 1;
}

export function numWsBackground(cfg: ModelConfig): number {
  return cfg.background.enabled ? 2 * cfg.background.blocks - 1 + 1 : 0;
}

export function numWs(cfg: ModelConfig): number {
  return numWsTriplane(cfg) + numWsBackground(cfg);
}

/** Input width of the background INR: 4 coordinates × F frequencies × (sin, cos). */
export function bgFourierDim(cfg: ModelConfig): number {
  return BG_COORD_DIM * cfg.background.fourierFrequencies * 2;
}

/** The official encoder's period: coordinates are multiplied by 2^F before the Fourier coefficients. */
export function bgFourierPeriod(cfg: ModelConfig): number {
  return 2 ** cfg.background.fourierFrequencies;
}

/**
 * The official `fourier_coefs` buffer: π·2^k / 2^F, k < F. Applied to x·2^F (same float32 op order as the
 * official ScalarEncoder1d), the net feature is sin/cos(π·2^k·x).
 */
export function bgFourierCoefs(cfg: ModelConfig): number[] {
  const period = bgFourierPeriod(cfg);
  return Array.from({ length: cfg.background.fourierFrequencies }, (_, k) => (Math.PI * 2 ** k) / period);
}
