/**
 * Draws a ray-marched frame (rgba/depth storage buffers) onto a canvas texture (wgsl/display.wgsl). Owns its
 * render pipeline and uniform buffer; one instance per canvas format.
 */
import { BindGroupCache, checkedShaderModule } from './gpu';
import displayWgsl from './wgsl/display.wgsl?raw';

export type DisplayMode = 'rgb' | 'depth' | 'opacity';
const MODES: Record<DisplayMode, number> = { rgb: 0, depth: 1, opacity: 2 };

export class DisplayPass {
  private readonly binds = new BindGroupCache();
  private readonly view = new ArrayBuffer(32);

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPURenderPipeline,
    private readonly uniforms: GPUBuffer,
  ) {}

  static async create(device: GPUDevice, format: GPUTextureFormat): Promise<DisplayPass> {
    const module = await checkedShaderModule(device, 'display', displayWgsl);
    const pipeline = await device.createRenderPipelineAsync({
      label: 'display pipeline',
      layout: 'auto',
      vertex: { module, entryPoint: 'vs' },
      fragment: { module, entryPoint: 'fs', targets: [{ format }] },
      primitive: { topology: 'triangle-list' },
    });
    const uniforms = device.createBuffer({ label: 'display uniforms', size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    return new DisplayPass(device, pipeline, uniforms);
  }

  draw(
    target: GPUTexture,
    src: { rgba: GPUBuffer; depth: GPUBuffer; width: number; height: number },
    mode: DisplayMode,
    near: number,
    far: number,
  ): void {
    const u = this.view;
    new Uint32Array(u).set([src.width, src.height, target.width, target.height, MODES[mode]]);
    new Float32Array(u).set([near, far], 5);
    this.device.queue.writeBuffer(this.uniforms, 0, u);
    const bind = this.binds.get([src.rgba, src.depth], () => this.device.createBindGroup({
      label: 'display bind group',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.uniforms } },
        { binding: 1, resource: { buffer: src.rgba } },
        { binding: 2, resource: { buffer: src.depth } },
      ],
    }));
    const enc = this.device.createCommandEncoder({ label: 'display frame' });
    const pass = enc.beginRenderPass({
      label: 'display pass',
      colorAttachments: [{ view: target.createView(), loadOp: 'clear', storeOp: 'store', clearValue: { r: 0, g: 0, b: 0, a: 1 } }],
    });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bind);
    pass.draw(3);
    pass.end();
    this.device.queue.submit([enc.finish()]);
  }

  destroy(): void {
    this.uniforms.destroy();
  }
}
