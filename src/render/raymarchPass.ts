/**
 * The per-frame ray-marching pass (wgsl/raymarch.wgsl): owns its pipeline, uniform buffer and bind group
 * layout. Inputs are GPU buffers (tri-planes, packed weights, occupancy); outputs are per-pixel rgba
 * (rgb, opacity), depth and an accumulation buffer for progressive refinement.
 */
import type { ModelConfig } from '../model/config';
import { BindGroupCache, checkedShaderModule } from './gpu';
import { shaderPrelude } from './shaderPrelude';
import { backgroundWgsl } from './mlpWgsl';
import type { Camera, Patch } from './camera';
import triplaneWgsl from './wgsl/triplane.wgsl?raw';
import inverseSphereWgsl from './wgsl/inverseSphere.wgsl?raw';
import fineSamplesWgsl from './wgsl/fineSamples.wgsl?raw';
import raymarchWgsl from './wgsl/raymarch.wgsl?raw';

export const FLAGS = { det: 1, ignoreBg: 2, bgOnly: 4, whiteBack: 8, occupancy: 16, bgModel: 32, inject: 64, interpolate: 128 } as const;

/** Bytes of the WGSL `Frame` uniform struct. */
const FRAME_BYTES = 144;

export interface FrameParams {
  camera: Camera;
  width: number;
  height: number;
  coarse: number;
  fine: number;
  bgSteps: number;
  flags: number;
  frameIndex: number;
  seed: number;
  /** Sub-pixel jitter in pixels, in [−0.5, 0.5]². */
  jitter: [number, number];
  lastDelta: number;
  patch?: Patch;
  /** Weight of this frame in the accumulation buffer (1 = replace). */
  blend: number;
  outsideEmpty: boolean;
  gridRes: number;
}

export interface RaymarchBindings {
  planes: GPUBufferBinding;
  decoder: GPUBufferBinding;
  background: GPUBufferBinding;
  /** The occupancy grid, or with FLAGS.inject the per-pixel injected depths [pixels, S + K] (f32). */
  occupancy: GPUBufferBinding;
  rgba: GPUBuffer;
  depth: GPUBuffer;
  accum: GPUBuffer;
  counter: GPUBuffer;
}

export class RaymarchPass {
  private readonly frame = new ArrayBuffer(FRAME_BYTES);
  private readonly binds = new BindGroupCache();

  private constructor(
    private readonly device: GPUDevice,
    private readonly cfg: ModelConfig,
    private readonly pipeline: GPUComputePipeline,
    private readonly uniforms: GPUBuffer,
    readonly maxCoarse: number,
  ) {}

  static source(cfg: ModelConfig, maxCoarse: number): string {
    return [shaderPrelude(cfg, { maxCoarse }), triplaneWgsl, inverseSphereWgsl, backgroundWgsl(cfg), fineSamplesWgsl, raymarchWgsl].join('\n');
  }

  static async create(device: GPUDevice, cfg: ModelConfig, maxCoarse: number): Promise<RaymarchPass> {
    const module = await checkedShaderModule(device, 'raymarch', RaymarchPass.source(cfg, maxCoarse));
    const pipeline = await device.createComputePipelineAsync({ label: 'raymarch pipeline', layout: 'auto', compute: { module, entryPoint: 'main' } });
    const uniforms = device.createBuffer({ label: 'raymarch frame uniforms', size: FRAME_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    return new RaymarchPass(device, cfg, pipeline, uniforms, maxCoarse);
  }

  writeFrame(p: FrameParams): void {
    if (p.coarse < 3 || p.coarse > this.maxCoarse) throw new Error(`coarse samples must be in [3, ${this.maxCoarse}] (got ${p.coarse})`);
    const buf = this.frame;
    const f = new Float32Array(buf);
    const u = new Uint32Array(buf);
    const R = p.camera.rotation;
    f.set([R[0], R[1], R[2], Math.tan((p.camera.fovDeg / 360) * Math.PI)], 0);
    f.set([R[3], R[4], R[5], this.cfg.camera.near], 4);
    f.set([R[6], R[7], R[8], this.cfg.camera.far], 8);
    f.set([...p.camera.origin, this.cfg.densityShift], 12);
    u.set([p.width, p.height, p.coarse, p.fine, p.bgSteps, p.flags, p.frameIndex >>> 0, p.seed >>> 0], 16);
    f.set([p.jitter[0], p.jitter[1], p.lastDelta, this.cfg.background.start], 24);
    const patch = p.patch ?? { scale: 1, offsetX: 0, offsetY: 0 };
    f.set([patch.scale, patch.offsetX, patch.offsetY, 0], 28);
    f[32] = p.blend;
    u[33] = p.outsideEmpty ? 1 : 0;
    u[34] = p.gridRes;
    this.device.queue.writeBuffer(this.uniforms, 0, buf);
  }

  encode(enc: GPUCommandEncoder, b: RaymarchBindings, width: number, height: number): void {
    const res = (x: GPUBufferBinding) => [x.buffer, x.size];
    const key = [...res(b.planes), ...res(b.decoder), ...res(b.background), ...res(b.occupancy), b.rgba, b.depth, b.accum, b.counter];
    const bind = this.binds.get(key, () => this.device.createBindGroup({
      label: 'raymarch bind group',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.uniforms } },
        { binding: 1, resource: b.planes },
        { binding: 2, resource: b.decoder },
        { binding: 3, resource: b.background },
        { binding: 4, resource: b.occupancy },
        { binding: 5, resource: { buffer: b.rgba } },
        { binding: 6, resource: { buffer: b.depth } },
        { binding: 7, resource: { buffer: b.accum } },
        { binding: 8, resource: { buffer: b.counter } },
      ],
    }));
    const pass = enc.beginComputePass({ label: 'raymarch pass' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(Math.ceil(width / 8), Math.ceil(height / 8));
    pass.end();
  }

  destroy(): void {
    this.uniforms.destroy();
  }
}
