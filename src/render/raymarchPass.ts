/**
 * The per-frame ray-marching pass (wgsl/raymarch.wgsl): owns its pipeline and bind group layout. Inputs are the
 * frame uniforms and GPU buffers (tri-planes, packed decoder, occupancy); outputs are per-pixel foreground rgba
 * (rgb, opacity), depth and the weight the background pass gives the background.
 */
import type { ModelConfig } from '../model/config';
import { BindGroupCache, checkedShaderModule } from './gpu';
import { shaderPrelude } from './shaderPrelude';
import frameWgsl from './wgsl/frame.wgsl?raw';
import compositeWgsl from './wgsl/composite.wgsl?raw';
import triplaneWgsl from './wgsl/triplane.wgsl?raw';
import fineSamplesWgsl from './wgsl/fineSamples.wgsl?raw';
import raymarchWgsl from './wgsl/raymarch.wgsl?raw';

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

export class RaymarchPass {
  private readonly binds = new BindGroupCache();

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    readonly maxCoarse: number,
  ) {}

  static source(cfg: ModelConfig, maxCoarse: number): string {
    return [shaderPrelude(cfg, { maxCoarse }), frameWgsl, compositeWgsl, triplaneWgsl, fineSamplesWgsl, raymarchWgsl].join('\n');
  }

  static async create(device: GPUDevice, cfg: ModelConfig, maxCoarse: number): Promise<RaymarchPass> {
    const module = await checkedShaderModule(device, 'raymarch', RaymarchPass.source(cfg, maxCoarse));
    const pipeline = await device.createComputePipelineAsync({ label: 'raymarch pipeline', layout: 'auto', compute: { module, entryPoint: 'main' } });
    return new RaymarchPass(device, pipeline, maxCoarse);
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
    pass.dispatchWorkgroups(Math.ceil(width / 8), Math.ceil(height / 8));
    pass.end();
  }
}
