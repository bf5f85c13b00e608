/**
 * The per-frame ray-marching pass (wgsl/raymarch.wgsl): owns its pipeline and bind group layout. Inputs are the
 * frame uniforms and GPU buffers (tri-planes, packed decoder, occupancy); outputs are per-pixel foreground rgba
 * (rgb, opacity), depth and the weight the background pass gives the background.
 */
import type { ModelConfig } from '../model/config';
import { BindGroupCache, checkedShaderModule } from './gpu';
import { decodingShader } from './shaderPrelude';
import { MIN_WORKGROUP_BYTES } from './backgroundInrWgsl';
import frameWgsl from './wgsl/frame.wgsl?raw';
import compositeWgsl from './wgsl/composite.wgsl?raw';
import fineSamplesWgsl from './wgsl/fineSamples.wgsl?raw';
import raymarchWgsl from './wgsl/raymarch.wgsl?raw';
import laneSyncWgsl from './wgsl/laneSync.wgsl?raw';
import laneSyncSoloWgsl from './wgsl/laneSyncSolo.wgsl?raw';

export interface RaymarchBindings {
  frame: GPUBuffer;
  planes: GPUBufferBinding;
  decoder: GPUBufferBinding;
  /** The occupancy grid, or with FLAGS.inject the per-pixel injected depths [pixels, S + K] (f32). */
  occupancy: GPUBufferBinding;
  rgba: GPUBuffer;
  depth: GPUBuffer;
  bgWeight: GPUBuffer;
  counter: GPUBuffer;
}

/**
 * Invocations decoding one ray's samples side by side in the several-lane march (also the coarse chunk after
 * which a ray may stop): the fastest of 8, 16 and 32 on 64² frames on an H200 (docs/render-performance.md, Lanes per ray).
 */
export const MARCH_LANES = 16;

/** Most invocations per workgroup (RAYS · LANES). */
const MAX_INVOCATIONS = 64;
/**
 * Private bytes a one-lane ray's arrays may take: WGSL guarantees 8192 bytes of private variables per entry
 * point (implementations may refuse more), less what the march's other private variables take.
 */
const MAX_PRIVATE_ARRAY_BYTES = 8192 - 128;
/** The fine-sample block that bisection refines (fineSamples.wgsl): a power of two. */
const FINE_BLOCK = 8;

export interface MarchTile {
  /** Rays per workgroup: neighbouring pixels of a row. */
  rays: number;
  lanes: number;
  /**
   * Where a ray's sample arrays live: shared by its lanes in workgroup memory, or, with one lane, in the
   * invocation's private memory, so that workgroup memory does not cap the rays in flight.
   */
  memory: 'workgroup' | 'private';
  /** Entries between two rays' coarse arrays: the coarse capacity rounded up to an odd number (see raymarch.wgsl). */
  coarseStride: number;
  /** Fine samples per window (a multiple of FINE_BLOCK); a window holds one more (shared with the next). */
  fineWindow: number;
  /** Bytes of workgroup memory the pass declares. */
  workgroupBytes: number;
}

/** Workgroup bytes per ray: coarse depth, output and CDF per coarse sample; depth and output per window entry. */
const bytesPerRay = (coarseStride: number, fineWindow: number) => coarseStride * (4 + 16 + 4) + (fineWindow + 1) * (4 + 16) + 4;

/**
 * The tile for a config on a device allowing `workgroupBytes` of workgroup memory: a fine window of the
 * config's fine count (at most 64), and as many rays (a power of two, ≤ 64 / lanes) as the memory holds; with one
 * lane the arrays are private and a workgroup is 64 rays.
 * `lanes` is a power of two ≤ 64; the renderer compiles defaultMarchLanes(device) (marchPasses.ts) unless told
 * otherwise.
 */
export function marchTile(cfg: ModelConfig, maxCoarse: number, workgroupBytes = MIN_WORKGROUP_BYTES, lanes = MARCH_LANES): MarchTile {
  if (!(Number.isInteger(lanes) && lanes >= 1 && lanes <= MAX_INVOCATIONS && (lanes & (lanes - 1)) === 0)) {
    throw new Error(`lanes per ray must be a power of two from 1 to ${MAX_INVOCATIONS} (got ${lanes})`);
  }
  const fineWindow = Math.min(64, Math.max(FINE_BLOCK, Math.ceil(cfg.samples.fine / FINE_BLOCK) * FINE_BLOCK));
  const coarseStride = maxCoarse | 1;
  const perRay = bytesPerRay(coarseStride, fineWindow);
  if (lanes === 1) {
    if (perRay > MAX_PRIVATE_ARRAY_BYTES) throw new Error(`${maxCoarse} coarse samples per ray need ${perRay} bytes of private memory with one lane; WGSL guarantees ${MAX_PRIVATE_ARRAY_BYTES} for them`);
    return { rays: MAX_INVOCATIONS, lanes, memory: 'private', coarseStride, fineWindow, workgroupBytes: 4 };
  }
  const fit = Math.floor((workgroupBytes - 4) / perRay);
  if (fit < 1) throw new Error(`${maxCoarse} coarse samples per ray need ${perRay + 4} bytes of workgroup memory; this device allows ${workgroupBytes}`);
  const rays = Math.min(MAX_INVOCATIONS / lanes, 2 ** Math.floor(Math.log2(fit)));
  return { rays, lanes, memory: 'workgroup', coarseStride, fineWindow, workgroupBytes: rays * perRay + 4 };
}

/**
 * The renderer's default coarse capacity: twice the config's coarse samples (the viewer's ×2 quality) where that
 * costs no rays per workgroup, else the config's count — fewer rays per workgroup would slow every frame.
 */
export function defaultMaxCoarse(cfg: ModelConfig, workgroupBytes: number, lanes = MARCH_LANES): number {
  const one = cfg.samples.coarse;
  const rays = (maxCoarse: number) => {
    try {
      return marchTile(cfg, maxCoarse, workgroupBytes, lanes).rays;
    } catch {
      return 0;
    }
  };
  return rays(2 * one) >= rays(one) ? 2 * one : one;
}

export class RaymarchPass {
  private readonly binds = new BindGroupCache();

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    readonly maxCoarse: number,
    readonly tile: MarchTile,
  ) {}

  static source(cfg: ModelConfig, tile: MarchTile): string {
    const header = [
      `const RAYS: u32 = ${tile.rays}u;`,
      `const LANES: u32 = ${tile.lanes}u;`,
      `const RAY_SLOTS: u32 = ${tile.memory === 'private' ? 1 : tile.rays}u;`,
      `const COARSE_STRIDE: u32 = ${tile.coarseStride}u;`,
      `const FINE_WINDOW: u32 = ${tile.fineWindow}u;`,
      `const FINE_BLOCK: u32 = ${FINE_BLOCK}u;`,
      `const FINE_LEVELS: u32 = ${Math.log2(FINE_BLOCK)}u;`,
    ].join('\n');
    const sync = tile.lanes > 1 ? laneSyncWgsl : laneSyncSoloWgsl;
    const march = raymarchWgsl.replaceAll('var<MARCH_MEMORY>', `var<${tile.memory}>`);
    return decodingShader(cfg, header, frameWgsl, compositeWgsl, fineSamplesWgsl, sync, march);
  }

  static async create(device: GPUDevice, cfg: ModelConfig, maxCoarse: number, lanes = MARCH_LANES): Promise<RaymarchPass> {
    const tile = marchTile(cfg, maxCoarse, device.limits.maxComputeWorkgroupStorageSize, lanes);
    const module = await checkedShaderModule(device, 'raymarch', RaymarchPass.source(cfg, tile));
    const pipeline = await device.createComputePipelineAsync({ label: 'raymarch pipeline', layout: 'auto', compute: { module, entryPoint: 'main' } });
    return new RaymarchPass(device, pipeline, maxCoarse, tile);
  }

  checkCoarse(coarse: number): void {
    if (coarse < 3 || coarse > this.maxCoarse) throw new Error(`coarse samples must be in [3, ${this.maxCoarse}] (got ${coarse})`);
  }

  encode(enc: GPUCommandEncoder, b: RaymarchBindings, width: number, height: number): void {
    const res = (x: GPUBufferBinding) => [x.buffer, x.size];
    const key = [b.frame, ...res(b.planes), ...res(b.decoder), ...res(b.occupancy), b.rgba, b.depth, b.bgWeight, b.counter];
    const bind = this.binds.get(key, () => this.device.createBindGroup({
      label: 'raymarch bind group',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: b.frame } },
        { binding: 1, resource: b.planes },
        { binding: 2, resource: b.decoder },
        { binding: 3, resource: { buffer: b.bgWeight } },
        { binding: 4, resource: b.occupancy },
        { binding: 5, resource: { buffer: b.rgba } },
        { binding: 6, resource: { buffer: b.depth } },
        { binding: 7, resource: { buffer: b.counter } },
      ],
    }));
    const pass = enc.beginComputePass({ label: 'raymarch pass' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(Math.ceil(width / this.tile.rays), height);
    pass.end();
  }
}
