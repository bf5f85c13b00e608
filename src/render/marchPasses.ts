/**
 * Which ray-march the renderer runs for a frame: one lane per ray (private arrays, no barriers) or MARCH_LANES
 * lanes per ray (arrays in workgroup memory). Several lanes keep a GPU busy when a frame has few pixels; one
 * lane keeps more rays in flight once a frame fills the GPU, because workgroup memory caps the rays of the
 * several-lane march. On an H200 (docs/render-performance.md, Lanes per ray) 16 lanes drew 64² frames 2.1–2.7× faster than one lane,
 * the two were even at 128² (0.88–1.25), and one lane was at least 1.6× faster at 256² and 512².
 */
import type { ModelConfig } from '../model/config';
import { MARCH_LANES, RaymarchPass, defaultMaxCoarse, type MarchTile } from './raymarchPass';

/** Frames with fewer pixels than this use the most lanes a renderer compiled; larger ones the fewest. */
export const MULTI_LANE_MAX_PIXELS = 128 * 128;

/** Whether a device is a CPU implementation (lavapipe, SwiftShader, WARP): its adapter says so, or its name does. */
export function isSoftwareAdapter(device: Pick<GPUDevice, 'adapterInfo'>): boolean {
  const info = device.adapterInfo as GPUAdapterInfo | undefined;
  if (!info) return false;
  return info.isFallbackAdapter || /swiftshader|llvmpipe|lavapipe|software/i.test(`${info.vendor} ${info.architecture} ${info.description}`);
}

/**
 * The lane counts a renderer compiles on a device: one on software adapters, which gain nothing from lanes (a
 * CPU's SIMD width goes to neighbouring invocations either way) and run barriers as coroutines; one and
 * MARCH_LANES on GPUs, picked per frame by lanesForFrame.
 */
export function defaultMarchLanes(device: Pick<GPUDevice, 'adapterInfo'>): number[] {
  return isSoftwareAdapter(device) ? [1] : [1, MARCH_LANES];
}

/** The lane count, among those compiled, for a frame of `pixels`. */
export function lanesForFrame(lanes: readonly number[], pixels: number): number {
  return pixels < MULTI_LANE_MAX_PIXELS ? Math.max(...lanes) : Math.min(...lanes);
}

/** The ray-march pipelines of a renderer, one per lane count, sharing one coarse capacity. */
export class MarchPasses {
  /** The compiled lane counts, kept so that choosing a frame's pass allocates nothing. */
  private readonly lanes: readonly number[];

  private constructor(private readonly passes: ReadonlyMap<number, RaymarchPass>) {
    this.lanes = [...passes.keys()];
  }

  /** `maxCoarse` defaults to the smallest defaultMaxCoarse of the lane counts, so every pass takes the same frames. */
  static async create(device: GPUDevice, cfg: ModelConfig, lanes: readonly number[], maxCoarse?: number): Promise<MarchPasses> {
    if (lanes.length === 0) throw new Error('the renderer needs at least one lane count for its ray-march');
    const unique = [...new Set(lanes)];
    const coarse = maxCoarse ?? Math.min(...unique.map((l) => defaultMaxCoarse(cfg, device.limits.maxComputeWorkgroupStorageSize, l)));
    const passes = await Promise.all(unique.map((l) => RaymarchPass.create(device, cfg, coarse, l)));
    return new MarchPasses(new Map(unique.map((l, i) => [l, passes[i]])));
  }

  /** The pass that draws a frame of width × height. */
  forFrame(width: number, height: number): RaymarchPass {
    return this.passes.get(lanesForFrame(this.lanes, width * height))!;
  }

  tileFor(width: number, height: number): MarchTile {
    return this.forFrame(width, height).tile;
  }

  /** Largest coarse sample count the passes accept. */
  get maxCoarse(): number {
    return this.passes.get(this.lanes[0])!.maxCoarse;
  }

  checkCoarse(coarse: number): void {
    this.passes.get(this.lanes[0])!.checkCoarse(coarse);
  }
}
