/**
 * The per-frame background pass (wgsl/background.wgsl), run after the ray-marching pass: the background INR in
 * workgroup tiles, composited behind the foreground, and the blend into the accumulation buffer. Owns its
 * pipeline and bind group layout.
 */
import type { ModelConfig } from '../model/config';
import { BindGroupCache, checkedShaderModule } from './gpu';
import { backgroundInrWgsl, bgTile } from './backgroundInrWgsl';
import frameWgsl from './wgsl/frame.wgsl?raw';
import compositeWgsl from './wgsl/composite.wgsl?raw';
import inverseSphereWgsl from './wgsl/inverseSphere.wgsl?raw';
import backgroundWgsl from './wgsl/background.wgsl?raw';

export interface BackgroundBindings {
  frame: GPUBuffer;
  /** The INR's weights packed for the current latent (packBackground). */
  weights: GPUBufferBinding;
  /** Per pixel, from the ray-marching pass. */
  bgWeight: GPUBuffer;
  rgba: GPUBuffer;
  accum: GPUBuffer;
}

/** Workgroups per row of the 2-D dispatch (a 1-D one is limited to 65,535). */
const ROW = 16384;

export class BackgroundPass {
  private readonly binds = new BindGroupCache();

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    private readonly tilePoints: number,
  ) {}

  static source(cfg: ModelConfig, tile = bgTile(cfg)): string {
    return [frameWgsl, compositeWgsl, inverseSphereWgsl, backgroundInrWgsl(cfg, tile), backgroundWgsl].join('\n');
  }

  static async create(device: GPUDevice, cfg: ModelConfig): Promise<BackgroundPass> {
    // Larger tiles where the device allows: each weight read then serves more points.
    const limit = device.limits.maxComputeWorkgroupStorageSize;
    const tile = bgTile(cfg, limit);
    if (tile.workgroupBytes > limit)
      throw new Error(`background INR of width ${cfg.background.width} needs ${tile.workgroupBytes} bytes of workgroup memory per tile; this device allows ${limit}`);
    const module = await checkedShaderModule(device, 'background', BackgroundPass.source(cfg, tile));
    const pipeline = await device.createComputePipelineAsync({ label: 'background pipeline', layout: 'auto', compute: { module, entryPoint: 'main' } });
    return new BackgroundPass(device, pipeline, tile.points);
  }

  encode(enc: GPUCommandEncoder, b: BackgroundBindings, pixels: number, bgSteps: number): void {
    const key = [b.frame, b.weights.buffer, b.weights.size, b.bgWeight, b.rgba, b.accum];
    const bind = this.binds.get(key, () => this.device.createBindGroup({
      label: 'background bind group',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: b.frame } },
        { binding: 1, resource: b.weights },
        { binding: 2, resource: { buffer: b.bgWeight } },
        { binding: 3, resource: { buffer: b.rgba } },
        { binding: 4, resource: { buffer: b.accum } },
      ],
    }));
    // As background.wgsl groups pixels: whole pixels per tile, or one pixel in chunks of steps.
    const pixelsPerGroup = Math.floor(this.tilePoints / Math.min(bgSteps, this.tilePoints));
    const groups = Math.ceil(pixels / pixelsPerGroup);
    const pass = enc.beginComputePass({ label: 'background pass' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(Math.min(groups, ROW), Math.ceil(groups / ROW));
    pass.end();
  }
}
