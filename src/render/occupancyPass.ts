/**
 * Builds the occupancy grid for empty-space skipping (wgsl/occupancy.wgsl): decoder σ at the (G+1)³ grid
 * vertices, then per cell the dilated maximum compared with a density threshold. Owns both pipelines, the
 * uniform buffer, the vertex buffer and the occupancy buffer.
 */
import type { ModelConfig } from '../model/config';
import { checkedShaderModule, storageBuffer } from './gpu';
import { decodingShader } from './shaderPrelude';
import occupancyWgsl from './wgsl/occupancy.wgsl?raw';

export class OccupancyPass {
  readonly occupancy: GPUBuffer;
  private readonly vertexSigma: GPUBuffer;
  private readonly uniforms: GPUBuffer;

  private constructor(
    private readonly device: GPUDevice,
    private readonly cfg: ModelConfig,
    private readonly vertices: GPUComputePipeline,
    private readonly cells: GPUComputePipeline,
    readonly gridRes: number,
  ) {
    const n = gridRes + 1;
    this.vertexSigma = storageBuffer(device, 'occupancy vertex sigma', n * n * n * 4);
    this.occupancy = storageBuffer(device, 'occupancy grid', gridRes ** 3 * 4);
    this.uniforms = device.createBuffer({ label: 'occupancy uniforms', size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  static source(cfg: ModelConfig): string {
    return decodingShader(cfg, occupancyWgsl);
  }

  static async create(device: GPUDevice, cfg: ModelConfig, gridRes: number): Promise<OccupancyPass> {
    const module = await checkedShaderModule(device, 'occupancy', OccupancyPass.source(cfg));
    const [vertices, cells] = await Promise.all([
      device.createComputePipelineAsync({ label: 'occupancy vertices pipeline', layout: 'auto', compute: { module, entryPoint: 'vertices' } }),
      device.createComputePipelineAsync({ label: 'occupancy cells pipeline', layout: 'auto', compute: { module, entryPoint: 'cells' } }),
    ]);
    return new OccupancyPass(device, cfg, vertices, cells, gridRes);
  }

  /** Records the two passes; `sigmaEps` is the activated density below which a cell counts as empty. */
  encode(enc: GPUCommandEncoder, planes: GPUBufferBinding, decoder: GPUBufferBinding, sigmaEps: number): void {
    const u = new ArrayBuffer(16);
    new Uint32Array(u)[0] = this.gridRes;
    new Float32Array(u).set([this.cfg.densityShift, sigmaEps], 1);
    this.device.queue.writeBuffer(this.uniforms, 0, u);
    const n = this.gridRes + 1;
    const vb = this.device.createBindGroup({
      label: 'occupancy vertices bind group',
      layout: this.vertices.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.uniforms } },
        { binding: 1, resource: planes },
        { binding: 2, resource: decoder },
        { binding: 3, resource: { buffer: this.vertexSigma } },
      ],
    });
    const cb = this.device.createBindGroup({
      label: 'occupancy cells bind group',
      layout: this.cells.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.uniforms } },
        { binding: 3, resource: { buffer: this.vertexSigma } },
        { binding: 4, resource: { buffer: this.occupancy } },
      ],
    });
    const pass = enc.beginComputePass({ label: 'occupancy pass' });
    pass.setPipeline(this.vertices);
    pass.setBindGroup(0, vb);
    pass.dispatchWorkgroups(Math.ceil(n / 4), Math.ceil(n / 4), Math.ceil(n / 4));
    pass.setPipeline(this.cells);
    pass.setBindGroup(0, cb);
    const g = Math.ceil(this.gridRes / 4);
    pass.dispatchWorkgroups(g, g, g);
    pass.end();
  }

  destroy(): void {
    this.vertexSigma.destroy();
    this.occupancy.destroy();
    this.uniforms.destroy();
  }
}
