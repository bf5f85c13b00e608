/**
 * WGSL generated from the model config and prepended to the shader sources, so that the shaders' array sizes,
 * loop bounds and MLPs follow the single config (`src/model/config.ts`): constants, and the unrolled decoder
 * (mlpWgsl.ts), which every pass that includes triplane.wgsl calls.
 */
import type { ModelConfig } from '../model/config';
import { decoderWgsl, f32Literal } from './mlpWgsl';

export interface PreludeOptions {
  /** Largest coarse sample count a pipeline will be asked for (sizes per-thread arrays). */
  maxCoarse: number;
}

export function shaderPrelude(cfg: ModelConfig, opts: PreludeOptions): string {
  const lines = [
    `// Generated from the model config "${cfg.name.replace(/[^\w .()-]/g, '')}" by shaderPrelude.ts.`,
    `const C: u32 = ${cfg.triplane.channels}u;`,
    `const C4: u32 = ${Math.ceil(cfg.triplane.channels / 4)}u;`,
    `const PLANE_RES: u32 = ${cfg.triplane.resolution}u;`,
    `const CUBE_SCALE: f32 = ${f32Literal(cfg.camera.cubeScale)};`,
    `const MAX_COARSE: u32 = ${opts.maxCoarse}u;`,
    decoderWgsl(cfg),
  ];
  return lines.join('\n') + '\n';
}
