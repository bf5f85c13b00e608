/**
 * WGSL constants generated from the model config and prepended to the shader sources, so that the shaders'
 * array sizes and loop bounds follow the single config (`src/model/config.ts`).
 */
import { bgFourierCoefs, bgFourierDim, bgFourierPeriod, DECODER_OUT, type ModelConfig } from '../model/config';

export interface PreludeOptions {
  /** Largest coarse sample count a pipeline will be asked for (sizes per-thread arrays). */
  maxCoarse: number;
}

const f32 = (v: number) => {
  const s = Math.fround(v).toString();
  return /[.eE]/.test(s) ? s : `${s}.0`;
};

export function shaderPrelude(cfg: ModelConfig, opts: PreludeOptions): string {
  const dims = [cfg.triplane.channels, ...cfg.decoder.hidden, DECODER_OUT];
  const maxw = Math.max(...dims);
  const bg = cfg.background;
  const bgIn = bgFourierDim(cfg);
  const lines = [
    `// Generated from the model config "${cfg.name.replace(/[^\w .()-]/g, '')}" by shaderPrelude.ts.`,
    `const C: u32 = ${cfg.triplane.channels}u;`,
    `const PLANE_RES: u32 = ${cfg.triplane.resolution}u;`,
    `const CUBE_SCALE: f32 = ${f32(cfg.camera.cubeScale)};`,
    `const DEC_LAYERS: u32 = ${dims.length - 1}u;`,
    `const DEC_DIMS = array<u32, ${dims.length}>(${dims.map((d) => `${d}u`).join(', ')});`,
    `const MAXW: u32 = ${maxw}u;`,
    `const MAX_COARSE: u32 = ${opts.maxCoarse}u;`,
    `const BG_BLOCKS: u32 = ${bg.enabled ? bg.blocks : 0}u;`,
    `const BG_W: u32 = ${bg.width}u;`,
    `const BG_F: u32 = ${bg.fourierFrequencies}u;`,
    `const BG_IN: u32 = ${bgIn}u;`,
    `const BG_MAXW: u32 = ${Math.max(bgIn, bg.width)}u;`,
    `const BG_PERIOD: f32 = ${f32(bgFourierPeriod(cfg))};`,
    `const BG_COEFS = array<f32, ${bg.fourierFrequencies}>(${bgFourierCoefs(cfg).map(f32).join(', ')});`,
  ];
  return lines.join('\n') + '\n';
}
