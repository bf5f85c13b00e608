/**
 * GPU side of mesh extraction (wgsl/densityGrid.wgsl): the decoder's raw σ on an N³ lattice over the scene
 * box, computed in z-slabs (256³ is 16.7 M points: slabs bound the buffers and let the caller show progress
 * and cancel), and the decoder's RGB at arbitrary points (the mesh vertices).
 *
 * The pass copies the tri-planes and decoder weights it is given, so a latent or model change while a mesh
 * is being extracted cannot free buffers under it. Owns its pipelines, uniforms, copies and output buffers.
 */
import type { ModelConfig } from '../model/config';
import { checkedShaderModule, copiedBuffer, readBuffer, storageBuffer } from '../render/gpu';
import { decodingShader } from '../render/shaderPrelude';
import densityGridWgsl from './wgsl/densityGrid.wgsl?raw';

/** Lattice points per slab dispatch (2 MiB of σ): short enough dispatches for watchdogs, few enough submits. */
const SLAB_POINTS = 1 << 19;
/** Vertices per colour dispatch. */
const COLOUR_CHUNK = 1 << 18;

export type Progress = (done: number, total: number) => void;

function aborted(signal?: AbortSignal) {
  if (signal?.aborted) throw new DOMException('mesh extraction cancelled', 'AbortError');
}

export class DensityGridPass {
  private readonly uniforms: GPUBuffer;

  private constructor(
    private readonly device: GPUDevice,
    private readonly grid: GPUComputePipeline,
    private readonly colour: GPUComputePipeline,
    private readonly planes: GPUBuffer,
    private readonly decoder: GPUBuffer,
  ) {
    this.uniforms = device.createBuffer({ label: 'density grid uniforms', size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  static source(cfg: ModelConfig): string {
    return decodingShader(cfg, densityGridWgsl);
  }

  /** `planes` and `decoder` are the renderer's bindings for the current latent and model; they are copied. */
  static async create(device: GPUDevice, cfg: ModelConfig, planes: GPUBufferBinding, decoder: GPUBufferBinding): Promise<DensityGridPass> {
    const module = await checkedShaderModule(device, 'density grid', DensityGridPass.source(cfg));
    const [grid, colour] = await Promise.all([
      device.createComputePipelineAsync({ label: 'density grid pipeline', layout: 'auto', compute: { module, entryPoint: 'grid' } }),
      device.createComputePipelineAsync({ label: 'vertex colours pipeline', layout: 'auto', compute: { module, entryPoint: 'colours' } }),
    ]);
    const planesCopy = copiedBuffer(device, 'mesh tri-planes', planes);
    const decoderCopy = copiedBuffer(device, 'mesh decoder weights', decoder, GPUBufferUsage.UNIFORM);
    return new DensityGridPass(device, grid, colour, planesCopy, decoderCopy);
  }

  private job(n: number, z0: number, layers: number) {
    this.device.queue.writeBuffer(this.uniforms, 0, new Uint32Array([n, z0, layers, 0]));
  }

  /** Raw σ at the n³ lattice points, x fastest: index (z·n + y)·n + x. */
  async density(n: number, onProgress?: Progress, signal?: AbortSignal): Promise<Float32Array> {
    if (!Number.isInteger(n) || n < 2) throw new Error(`mesh resolution must be an integer ≥ 2 (got ${n})`);
    const layers = Math.max(1, Math.min(n, Math.floor(SLAB_POINTS / (n * n))));
    const out = storageBuffer(this.device, 'density grid slab', layers * n * n * 4);
    const sigma = new Float32Array(n * n * n);
    try {
      const bind = this.device.createBindGroup({
        label: 'density grid bind group',
        layout: this.grid.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.uniforms } },
          { binding: 1, resource: { buffer: this.planes } },
          { binding: 2, resource: { buffer: this.decoder } },
          { binding: 3, resource: { buffer: out } },
        ],
      });
      for (let z0 = 0; z0 < n; z0 += layers) {
        aborted(signal);
        const l = Math.min(layers, n - z0);
        this.job(n, z0, l);
        const enc = this.device.createCommandEncoder({ label: 'density grid slab' });
        const pass = enc.beginComputePass({ label: 'density grid pass' });
        pass.setPipeline(this.grid);
        pass.setBindGroup(0, bind);
        pass.dispatchWorkgroups(Math.ceil(n / 8), Math.ceil(n / 8), l);
        pass.end();
        this.device.queue.submit([enc.finish()]);
        sigma.set(new Float32Array(await readBuffer(this.device, out, l * n * n * 4, 'density grid slab')), z0 * n * n);
        onProgress?.(z0 + l, n);
      }
    } finally {
      out.destroy();
    }
    return sigma;
  }

  /** Raw RGB (≈[−1, 1]) of the decoder at each point (xyz triples, world units), 3 floats per point. */
  async colours(points: Float32Array, onProgress?: Progress, signal?: AbortSignal): Promise<Float32Array> {
    const count = points.length / 3;
    const chunk = Math.min(COLOUR_CHUNK, Math.max(1, count));
    const pts = storageBuffer(this.device, 'vertex positions', chunk * 12);
    const out = storageBuffer(this.device, 'vertex colours', chunk * 16);
    const rgb = new Float32Array(count * 3);
    try {
      const bind = this.device.createBindGroup({
        label: 'vertex colours bind group',
        layout: this.colour.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.uniforms } },
          { binding: 1, resource: { buffer: this.planes } },
          { binding: 2, resource: { buffer: this.decoder } },
          { binding: 4, resource: { buffer: pts } },
          { binding: 5, resource: { buffer: out } },
        ],
      });
      for (let i0 = 0; i0 < count; i0 += chunk) {
        aborted(signal);
        const m = Math.min(chunk, count - i0);
        this.device.queue.writeBuffer(pts, 0, points.slice(i0 * 3, (i0 + m) * 3));
        this.job(m, 0, 0);
        const enc = this.device.createCommandEncoder({ label: 'vertex colours' });
        const pass = enc.beginComputePass({ label: 'vertex colours pass' });
        pass.setPipeline(this.colour);
        pass.setBindGroup(0, bind);
        pass.dispatchWorkgroups(Math.ceil(m / 64));
        pass.end();
        this.device.queue.submit([enc.finish()]);
        const rgba = new Float32Array(await readBuffer(this.device, out, m * 16, 'vertex colours'));
        for (let i = 0; i < m; i++) rgb.set(rgba.subarray(4 * i, 4 * i + 3), 3 * (i0 + i));
        onProgress?.(i0 + m, count);
      }
    } finally {
      pts.destroy();
      out.destroy();
    }
    return rgb;
  }

  destroy(): void {
    this.uniforms.destroy();
    this.planes.destroy();
    this.decoder.destroy();
  }
}
