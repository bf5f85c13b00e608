/**
 * WGSL generated from the model config and prepended to the shader sources, so that the shaders' array sizes,
 * loop bounds and MLPs follow the single config (`src/model/config.ts`): constants, the tri-plane texel access,
 * and the generated decoder (mlpWgsl.ts), which every pass that includes triplane.wgsl calls.
 */
import type { ModelConfig } from '../model/config';
import { decoderAddressSpace, decoderWgsl, f32Literal } from './mlpWgsl';
import triplaneWgsl from './wgsl/triplane.wgsl?raw';

/**
 * `PlaneArray`, the type of the tri-plane binding, and `texelChunk(base, c)`: channels c … c + 3 of the texel
 * whose first float is at `base`, zero past C. With C a multiple of 4 every chunk is one aligned vec4 load;
 * otherwise four guarded scalar loads.
 */
function planeAccessWgsl(channels: number): string[] {
  if (channels % 4 === 0) {
    return ['alias PlaneArray = array<vec4f>;', 'fn texelChunk(base: u32, c: u32) -> vec4f { return planes[(base + c) >> 2u]; }'];
  }
  return [
    'alias PlaneArray = array<f32>;',
    'fn texelChunk(base: u32, c: u32) -> vec4f {',
    '  return vec4f(planes[base + c], select(0.0, planes[base + c + 1u], c + 1u < C),',
    '               select(0.0, planes[base + c + 2u], c + 2u < C), select(0.0, planes[base + c + 3u], c + 3u < C));',
    '}',
  ];
}

export function shaderPrelude(cfg: ModelConfig): string {
  const lines = [
    `// Generated from the model config "${cfg.name.replace(/[^\w .()-]/g, '')}" by shaderPrelude.ts.`,
    `const C: u32 = ${cfg.triplane.channels}u;`,
    `const C4: u32 = ${Math.ceil(cfg.triplane.channels / 4)}u;`,
    `const PLANE_RES: u32 = ${cfg.triplane.resolution}u;`,
    `const CUBE_SCALE: f32 = ${f32Literal(cfg.camera.cubeScale)};`,
    ...planeAccessWgsl(cfg.triplane.channels),
    decoderWgsl(cfg),
  ];
  return lines.join('\n') + '\n';
}

/**
 * The WGSL of a pass that decodes tri-plane points: the prelude, triplane.wgsl and the pass's own parts, with
 * the address space of its decoder binding (`var<DECODER_SPACE> decW`) filled in — WGSL has no alias for one.
 */
export function decodingShader(cfg: ModelConfig, ...parts: string[]): string {
  return [shaderPrelude(cfg), triplaneWgsl, ...parts].join('\n').replaceAll('var<DECODER_SPACE>', `var<${decoderAddressSpace(cfg)}>`);
}
