/**
 * The viewer's renderer: WGSL ray-marching of the tfjs-synthesised tri-planes on tfjs's own GPUDevice.
 *
 * setLatent() hands the planes over with tensor.dataToGPU() (no CPU round trip), packs the background INR for
 * that latent and rebuilds the occupancy grid; render() records one frame. Outputs stay on the GPU (rgba,
 * depth, accumulation) until read back or displayed.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../model/config';
import type { Params } from '../model/layers';
import { decodeFeatures } from '../model/triplane';
import type { Camera } from './camera';
import { copiedBuffer, readBuffer, storageBuffer } from './gpu';
import { toGPU, uploadInjectedDepths, type GPUData } from './rendererInputs';
import { packBackground, packDecoder } from './gpuWeights';
import { decoderBytes } from './mlpWgsl';
import { OccupancyPass } from './occupancyPass';
import type { MarchTile } from './raymarchPass';
import { MarchPasses, defaultMarchLanes } from './marchPasses';
import { BackgroundPass } from './backgroundPass';
import { FrameUniforms } from './frameUniforms';
import { frameFlags, type WgslRenderOptions } from './renderOptions';

export type { WgslRenderOptions } from './renderOptions';

export interface WgslImage {
  width: number;
  height: number;
  /** rgb (raw image space) and opacity per pixel. */
  rgba: Float32Array;
  depth: Float32Array;
  /** Decoder evaluations per pixel in this frame. */
  evalsPerPixel: number;
}

export interface WgslRendererOptions {
  /** Largest coarse sample count per ray (sizes the ray-march's workgroup arrays). Default: defaultMaxCoarse. */
  maxCoarse?: number;
  /**
   * Invocations per ray in the ray-march (powers of two ≤ 64), for benchmarks and tests: one count, or several,
   * of which frames under MULTI_LANE_MAX_PIXELS use the most and larger ones the fewest. Default
   * defaultMarchLanes(device).
   */
  marchLanes?: number | readonly number[];
  /** Occupancy grid side. Default 64. */
  gridRes?: number;
  /** Activated density below which an occupancy cell is empty: default 1e-3 / (far − near). */
  sigmaEps?: number;
}

export class WgslRenderer {
  private planes: GPUData | null = null;
  private bg: GPUData | null = null;
  private targets: { w: number; h: number; rgba: GPUBuffer; depth: GPUBuffer; accum: GPUBuffer; bgWeight: GPUBuffer } | null = null;
  private readonly counter: GPUBuffer;
  /** Bound where a pass needs no data (no background model, no injected depths): never written. */
  private readonly placeholder: GPUBuffer;
  /** Kept mapped-readable for the per-frame evaluation count, so frames allocate no buffers. */
  private readonly counterStaging: GPUBuffer;

  private constructor(
    readonly device: GPUDevice,
    readonly cfg: ModelConfig,
    private readonly params: Params,
    private readonly frame: FrameUniforms,
    private readonly raymarch: MarchPasses,
    private readonly background: BackgroundPass,
    private readonly occupancy: OccupancyPass,
    private readonly decoder: GPUBuffer,
    private readonly sigmaEps: number,
    /** Whether the decoder's density outside the scene box (zero features) is negligible: a per-model fact. */
    private readonly outsideEmpty: boolean,
  ) {
    this.counter = storageBuffer(device, 'decoder evaluation counter', 4);
    this.placeholder = storageBuffer(device, 'placeholder input', 16);
    this.counterStaging = device.createBuffer({ label: 'decoder evaluation counter staging', size: 4, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  }

  /** Needs the tfjs webgpu backend to be active: the renderer shares its device. */
  static async create(cfg: ModelConfig, params: Params, opts: WgslRendererOptions = {}): Promise<WgslRenderer> {
    if (tf.getBackend() !== 'webgpu') throw new Error(`the WGSL renderer needs the tfjs webgpu backend (active: ${tf.getBackend()})`);
    // tfjs runs ops on small CPU-resident tensors on the CPU; dataToGPU then fails. Keep everything on the GPU.
    tf.env().set('WEBGPU_CPU_FORWARD', false);
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    const lanes = opts.marchLanes === undefined ? defaultMarchLanes(device) : typeof opts.marchLanes === 'number' ? [opts.marchLanes] : opts.marchLanes;
    const [raymarch, background, occupancy] = await Promise.all([
      MarchPasses.create(device, cfg, lanes, opts.maxCoarse),
      BackgroundPass.create(device, cfg),
      OccupancyPass.create(device, cfg, opts.gridRes ?? 64),
    ]);
    const packed = packDecoder(cfg, params);
    const staged = toGPU(packed);
    packed.dispose();
    // Its own buffer: tfjs's lack the UNIFORM usage the decoder is bound with where it fits (mlpWgsl.ts).
    const decoder = copiedBuffer(device, 'decoder weights', { buffer: staged.buffer, size: decoderBytes(cfg) }, GPUBufferUsage.UNIFORM);
    await device.queue.onSubmittedWorkDone();
    staged.tensorRef.dispose();
    const sigmaEps = opts.sigmaEps ?? 1e-3 / (cfg.camera.far - cfg.camera.near);
    const sigma0T = tf.tidy(() => {
      const zero = tf.zeros([1, 1, cfg.triplane.channels]) as tf.Tensor3D;
      return tf.softplus(tf.add(tf.slice(decodeFeatures(cfg, params, zero), [0, 0, 3], [1, 1, 1]), cfg.densityShift));
    });
    const sigma0 = (await sigma0T.data())[0];
    sigma0T.dispose();
    return new WgslRenderer(device, cfg, params, new FrameUniforms(device, cfg), raymarch, background, occupancy, decoder, sigmaEps, sigma0 <= sigmaEps);
  }

  /** Adopts the tri-planes [1, R, R, 3C] and latent ws [1, numWs, wDim] of one sample. */
  async setLatent(planes: tf.Tensor4D, ws: tf.Tensor3D): Promise<void> {
    if (planes.shape[0] !== 1 || ws.shape[0] !== 1) throw new Error('setLatent takes one sample (batch 1)');
    this.releaseLatent();
    this.planes = toGPU(planes);
    const bg = packBackground(this.cfg, this.params, ws);
    this.bg = toGPU(bg);
    bg.dispose();
    const enc = this.device.createCommandEncoder({ label: 'occupancy build' });
    this.occupancy.encode(enc, this.planesBinding(), this.decoderBinding(), this.sigmaEps);
    this.device.queue.submit([enc.finish()]);
    // Resolve once the grid is built, so callers changing latents in a loop cannot pile up GPU work.
    await this.device.queue.onSubmittedWorkDone();
  }

  /** The current latent's tri-planes on the GPU (also read by mesh extraction). */
  planesBinding(): GPUBufferBinding {
    if (!this.planes) throw new Error('no latent set: call setLatent first');
    return { buffer: this.planes.buffer, size: this.planes.tensorRef.size * 4 };
  }

  /** The packed decoder weights on the GPU (also read by mesh extraction). */
  decoderBinding(): GPUBufferBinding {
    return { buffer: this.decoder, size: decoderBytes(this.cfg) };
  }

  private ensureTargets(w: number, h: number) {
    if (this.targets && this.targets.w === w && this.targets.h === h) return this.targets;
    this.destroyTargets();
    this.targets = {
      w,
      h,
      rgba: storageBuffer(this.device, 'raymarch rgba', w * h * 16),
      depth: storageBuffer(this.device, 'raymarch depth', w * h * 4),
      accum: storageBuffer(this.device, 'raymarch accumulation', w * h * 16),
      bgWeight: storageBuffer(this.device, 'raymarch background weight', w * h * 4),
    };
    return this.targets;
  }

  /** Records and submits one frame. */
  render(camera: Camera, o: WgslRenderOptions): void {
    const cfg = this.cfg;
    const t = this.ensureTargets(o.width, o.height);
    const bgModel = cfg.background.enabled;
    const flags = frameFlags(cfg, o);
    const coarse = o.coarse ?? cfg.samples.coarse;
    const fine = o.fine ?? cfg.samples.fine;
    this.raymarch.checkCoarse(coarse); // before the upload below, which would otherwise be left behind
    const rows = o.rows ?? [0, o.height];
    if (!(Number.isInteger(rows[0]) && Number.isInteger(rows[1]) && rows[0] >= 0 && rows[0] < rows[1] && rows[1] <= o.height)) {
      throw new Error(`rows must be a band [start, end) within the frame's ${o.height} rows (got [${rows.join(', ')}])`);
    }
    const injected = o.inject ? uploadInjectedDepths(this.device, o.inject, o.width * o.height, coarse, fine) : null;
    const bgSteps = o.bgSteps ?? cfg.background.steps;
    this.frame.write({
      camera,
      width: o.width,
      height: o.height,
      coarse,
      fine,
      bgSteps,
      flags,
      frameIndex: o.frameIndex ?? 0,
      seed: o.seed ?? 0,
      jitter: o.jitter ?? [0, 0],
      lastDelta: bgModel ? 1e-3 : 1e10,
      patch: o.patch,
      blend: o.blend ?? 1,
      outsideEmpty: this.outsideEmpty,
      gridRes: this.occupancy.gridRes,
      rows,
    });
    if (rows[0] === 0) this.device.queue.writeBuffer(this.counter, 0, new Uint32Array([0]));
    const enc = this.device.createCommandEncoder({ label: 'raymarch frame' });
    this.raymarch.forFrame(o.width, o.height).encode(
      enc,
      {
        frame: this.frame.buffer,
        planes: this.planesBinding(),
        decoder: this.decoderBinding(),
        occupancy: { buffer: injected ?? this.occupancy.occupancy },
        rgba: t.rgba,
        depth: t.depth,
        bgWeight: t.bgWeight,
        counter: this.counter,
      },
      o.width,
      rows[1] - rows[0],
    );
    this.background.encode(
      enc,
      {
        frame: this.frame.buffer,
        weights: this.bg ? { buffer: this.bg.buffer, size: this.bg.tensorRef.size * 4 } : { buffer: this.placeholder },
        bgWeight: t.bgWeight,
        rgba: t.rgba,
        accum: t.accum,
      },
      o.width * (rows[1] - rows[0]),
      bgSteps,
    );
    this.device.queue.submit([enc.finish()]);
    injected?.destroy(); // freed once the submitted frame has run
  }

  /** The ray-march's workgroup shape (rays per workgroup, lanes per ray) for frames of width × height. */
  marchTileFor(width: number, height: number): MarchTile {
    return this.raymarch.tileFor(width, height);
  }

  /** Largest coarse sample count this renderer's pipeline accepts. */
  get maxCoarse(): number {
    return this.raymarch.maxCoarse;
  }

  /** Output buffers of the last frame (for display passes). */
  get outputs(): { rgba: GPUBuffer; depth: GPUBuffer; accum: GPUBuffer; width: number; height: number } {
    if (!this.targets) throw new Error('nothing rendered yet');
    return { rgba: this.targets.rgba, depth: this.targets.depth, accum: this.targets.accum, width: this.targets.w, height: this.targets.h };
  }

  /** Reads the last frame back to the CPU (tests, export). */
  async read(which: 'frame' | 'accum' = 'frame'): Promise<WgslImage> {
    const t = this.targets;
    if (!t) throw new Error('nothing rendered yet');
    const n = t.w * t.h;
    const [rgba, depth, count] = await Promise.all([
      readBuffer(this.device, which === 'frame' ? t.rgba : t.accum, n * 16, 'rgba'),
      readBuffer(this.device, t.depth, n * 4, 'depth'),
      readBuffer(this.device, this.counter, 4, 'counter'),
    ]);
    return { width: t.w, height: t.h, rgba: new Float32Array(rgba), depth: new Float32Array(depth), evalsPerPixel: new Uint32Array(count)[0] / n };
  }

  /** Decoder evaluations per pixel of the last frame (reads 4 bytes; waits for the GPU). */
  async readEvalsPerPixel(): Promise<number> {
    const t = this.targets;
    if (!t) throw new Error('nothing rendered yet');
    const enc = this.device.createCommandEncoder({ label: 'counter copy' });
    enc.copyBufferToBuffer(this.counter, 0, this.counterStaging, 0, 4);
    this.device.queue.submit([enc.finish()]);
    await this.counterStaging.mapAsync(GPUMapMode.READ);
    const count = new Uint32Array(this.counterStaging.getMappedRange().slice(0))[0];
    this.counterStaging.unmap();
    return count / (t.w * t.h);
  }

  /** Reads the occupancy grid (1 = may hold density). */
  async readOccupancy(): Promise<Uint32Array> {
    return new Uint32Array(await readBuffer(this.device, this.occupancy.occupancy, this.occupancy.gridRes ** 3 * 4, 'occupancy'));
  }

  private releaseLatent() {
    this.planes?.tensorRef.dispose();
    this.bg?.tensorRef.dispose();
    this.planes = null;
    this.bg = null;
  }

  private destroyTargets() {
    if (!this.targets) return;
    this.targets.rgba.destroy();
    this.targets.depth.destroy();
    this.targets.accum.destroy();
    this.targets.bgWeight.destroy();
    this.targets = null;
  }

  destroy(): void {
    this.releaseLatent();
    this.destroyTargets();
    this.decoder.destroy();
    this.frame.destroy();
    this.occupancy.destroy();
    this.counter.destroy();
    this.placeholder.destroy();
    this.counterStaging.destroy();
  }
}
