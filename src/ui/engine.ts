/**
 * The viewer's engine: owns the tfjs backend, the loaded generator, its tri-planes and the WGSL renderer.
 * React components call it and render what it reports through the store; they hold no GPU resources.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Generator } from '../model/generator';
import { httpSource, loadWeights, type LoadedWeights, type ModelMeta, type WeightsSource } from '../model/weights';
import { freshWebGPUBackend } from './gpuDevice';
import { registerTriplaneWebgpuKernels } from '../model/kernels/triplaneWebgpu';
import { zFromSeed } from '../model/prng';
import type { Camera } from '../render/camera';
import { toDisplay, toDisplayByte } from '../render/displayMap';
import type { ModelConfig } from '../model/config';
import { renderReference } from '../render/reference';
import { WgslRenderer } from '../render/wgslRenderer';
import { frameBands } from '../render/renderOptions';
import { DisplayPass, type DisplayMode } from '../render/displayPass';

export interface BackendInfo {
  backend: string;
  adapter: string;
}

export async function initWebGPU(): Promise<BackendInfo> {
  if (!('gpu' in navigator) || !navigator.gpu) throw new Error('WebGPU is not available in this browser (navigator.gpu is missing)');
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) throw new Error('WebGPU is present but no adapter could be obtained');
  await import('@tensorflow/tfjs-backend-webgpu');
  registerTriplaneWebgpuKernels();
  if (!(await tf.setBackend('webgpu'))) throw new Error('the tfjs WebGPU backend failed to initialise');
  await tf.ready();
  const info = adapter.info;
  return { backend: tf.getBackend(), adapter: [info.vendor, info.architecture, info.description].filter(Boolean).join(' / ') || 'unknown' };
}

export interface LoadedModel {
  generator: Generator;
  renderer: WgslRenderer;
  meta: ModelMeta;
  url: string;
}

interface Latent {
  seed: number;
  psi: number;
  ws: tf.Tensor3D;
  planes: tf.Tensor4D;
}

let current: LoadedModel | null = null;
/** What the current model and latent were built from, to rebuild them on a new device. */
let currentWeights: LoadedWeights | null = null;
let currentLatentParams: LatentParams | null = null;
let latent: Latent | null = null;
let display: { pass: DisplayPass; context: GPUCanvasContext; canvas: HTMLCanvasElement } | null = null;

/**
 * Loads a model (bundled URL or dropped files) and compiles its renderer; on any failure the current model
 * stays loaded and the error propagates with the file named.
 */
export async function loadModel(
  source: string | WeightsSource,
  onProgress?: (loaded: number, total: number) => void,
  onCompile?: () => void,
): Promise<LoadedModel> {
  const src = typeof source === 'string' ? httpSource(source) : source;
  const w = await loadWeights(src, onProgress);
  onCompile?.();
  const next = await buildModel(w, src.label);
  releaseLatent();
  if (current) {
    current.renderer.destroy();
    current.generator.dispose();
  }
  current = next;
  currentWeights = w;
  return next;
}

async function buildModel(w: LoadedWeights, url: string): Promise<LoadedModel> {
  const generator = Generator.fromArrays(w.config, w.arrays);
  let renderer: WgslRenderer;
  try {
    renderer = await WgslRenderer.create(w.config, generator.params);
  } catch (e) {
    generator.dispose();
    throw e;
  }
  return { generator, renderer, meta: w.meta, url };
}

/**
 * After the GPU device was lost: a new device, then the same model, latent and canvas again. Nothing of the
 * old device can be used or even released, so its objects are only dropped.
 */
export async function recoverFromDeviceLoss(): Promise<void> {
  current = null;
  latent = null;
  display = null;
  await freshWebGPUBackend();
  if (currentWeights) current = await buildModel(currentWeights, 'recovered');
  if (currentLatentParams) await setLatent(currentLatentParams);
}

export function currentModel(): LoadedModel | null {
  return current;
}

function releaseLatent() {
  if (latent) tf.dispose([latent.ws, latent.planes]);
  latent = null;
}

export interface LatentParams {
  seed: number;
  /** Interpolation partner and amount: w = lerp(w(seed), w(seedB), t), both truncated by ψ. */
  seedB: number;
  t: number;
  psi: number;
  /** Class label for conditional models. */
  label: number;
}

/** Maps and synthesises the tri-planes of a latent; the previous planes stay in use until these are ready. */
export async function setLatent(p: LatentParams): Promise<number> {
  const model = current;
  if (!model) throw new Error('no model loaded');
  const g = model.generator;
  const t0 = performance.now();
  const ws = tf.tidy(() => {
    const labels = g.config.cDim > 0 ? [p.label, p.label] : null;
    const both = g.mapping(g.latents([p.seed, p.seedB]), labels, { psi: p.psi });
    const [a, b] = tf.split(both, 2, 0) as [tf.Tensor3D, tf.Tensor3D];
    return p.t === 0 ? a : (tf.add(a, tf.mul(tf.sub(b, a), p.t)) as tf.Tensor3D);
  });
  const planes = g.synthesize(ws);
  await model.renderer.setLatent(planes, ws);
  await planes.data(); // settle the GPU queue so the timing is honest
  releaseLatent();
  latent = { seed: p.seed, psi: p.psi, ws, planes };
  currentLatentParams = p;
  return performance.now() - t0;
}

export function attachCanvas(canvas: HTMLCanvasElement): GPUCanvasContext {
  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  const context = canvas.getContext('webgpu');
  if (!context) throw new Error('the canvas has no WebGPU context');
  const format = navigator.gpu.getPreferredCanvasFormat();
  // COPY_SRC lets tests read back exactly what was drawn (headless screenshots do not capture WebGPU canvases).
  context.configure({ device, format, alphaMode: 'opaque', usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC });
  return context;
}

export interface FrameParams {
  camera: Camera;
  resolution: number;
  mode: DisplayMode;
  skipping: boolean;
  /** Progressive refinement: frame n of a still view, jittered, blended into the accumulation buffer. */
  frameIndex: number;
  jitter: [number, number];
  blend: number;
  /** Show the accumulation buffer instead of this frame. */
  showAccum: boolean;
  deterministic?: boolean;
  /** Samples-per-ray multiplier (coarse and fine), and which parts to draw. */
  samples?: number;
  ignoreBg?: boolean;
  bgOnly?: boolean;
  /**
   * Draws the frame in at least this many bands of rows, one submit each (default 1, and always enough that none
   * exceeds MAX_BAND_PIXELS), so that it can stop between them.
   */
  bands?: number;
  /** Asked between bands: true abandons the frame, which is then neither shown nor counted. */
  shouldStop?: () => boolean;
}

let lastFrame: FrameParams | null = null;

function sampleCounts(cfg: ModelConfig, maxCoarse: number, m: number): { coarse: number; fine: number } {
  return {
    coarse: Math.max(3, Math.min(maxCoarse, Math.round(cfg.samples.coarse * m))),
    fine: Math.max(0, Math.round(cfg.samples.fine * m)),
  };
}

/**
 * Renders the current latent with the WGSL renderer and shows it on the canvas; resolves when the GPU is done,
 * with null when the frame was abandoned between bands (f.shouldStop, or another model or latent meanwhile).
 */
export async function drawFrame(canvas: HTMLCanvasElement, f: FrameParams): Promise<{ ms: number; evalsPerPixel: number } | null> {
  const model = current;
  if (!model || !latent) throw new Error('nothing to draw yet');
  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  if (!display || display.canvas !== canvas) {
    const context = attachCanvas(canvas);
    display = { pass: await DisplayPass.create(device, navigator.gpu.getPreferredCanvasFormat()), context, canvas };
  }
  const t0 = performance.now();
  const frameLatent = latent;
  const options = {
    width: f.resolution,
    height: f.resolution,
    skipping: f.skipping,
    deterministic: f.deterministic ?? false,
    frameIndex: f.frameIndex,
    seed: latent.seed,
    jitter: f.jitter,
    blend: f.blend,
    ...sampleCounts(model.generator.config, model.renderer.maxCoarse, f.samples ?? 1),
    ignoreBg: f.ignoreBg,
    bgOnly: f.bgOnly && model.generator.config.background.enabled,
  };
  const bands = frameBands(f.resolution, f.resolution, f.bands);
  for (let b = 0; b < bands.length; b++) {
    model.renderer.render(f.camera, { ...options, rows: bands[b] });
    if (b + 1 === bands.length) break;
    await device.queue.onSubmittedWorkDone();
    if (f.shouldStop?.() || current !== model || latent !== frameLatent) return null;
  }
  const cfg = model.generator.config;
  const out = model.renderer.outputs;
  display.pass.draw(display.context.getCurrentTexture(), f.showAccum ? { ...out, rgba: out.accum } : out, f.mode, cfg.camera.near, cfg.camera.far);
  const evalsPerPixel = await model.renderer.readEvalsPerPixel(); // also waits for the GPU
  lastFrame = f;
  return { ms: performance.now() - t0, evalsPerPixel };
}

/**
 * Renders a view off screen to 8-bit RGBA (display mapping of RGB): `frames` jittered frames averaged
 * (progressive refinement) for exports.
 */
export async function renderToPixels(camera: Camera, size: number, frames: number, jitter: (n: number) => [number, number]): Promise<Uint8Array> {
  const model = current;
  if (!model || !latent) throw new Error('nothing to render yet');
  for (let n = 0; n < frames; n++)
    for (const rows of frameBands(size, size))
      model.renderer.render(camera, { width: size, height: size, skipping: true, frameIndex: n, seed: latent.seed, jitter: jitter(n), blend: 1 / (n + 1), deterministic: frames === 1, rows });
  const img = await model.renderer.read('accum');
  const out = new Uint8Array(size * size * 4);
  for (let i = 0; i < size * size; i++) {
    for (let k = 0; k < 3; k++) out[4 * i + k] = toDisplayByte(img.rgba[4 * i + k]);
    out[4 * i + 3] = 255;
  }
  return out;
}

/**
 * Test hook: draws the last frame onto the canvas texture and reads that texture back (RGBA8, top row first;
 * BGRA canvases are swizzled to RGBA).
 */
export async function snapshotCanvas(mode: DisplayMode = 'rgb'): Promise<{ width: number; height: number; rgba: number[] }> {
  if (!display || !current) throw new Error('nothing displayed yet');
  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  const tex = display.context.getCurrentTexture();
  const cfg = current.generator.config;
  display.pass.draw(tex, current.renderer.outputs, mode, cfg.camera.near, cfg.camera.far);
  const bytesPerRow = Math.ceil((tex.width * 4) / 256) * 256;
  const buf = device.createBuffer({ label: 'canvas snapshot', size: bytesPerRow * tex.height, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const enc = device.createCommandEncoder({ label: 'canvas snapshot copy' });
  enc.copyTextureToBuffer({ texture: tex }, { buffer: buf, bytesPerRow }, [tex.width, tex.height]);
  device.queue.submit([enc.finish()]);
  await buf.mapAsync(GPUMapMode.READ);
  const src = new Uint8Array(buf.getMappedRange());
  const bgra = tex.format.startsWith('bgra');
  const rgba: number[] = [];
  for (let y = 0; y < tex.height; y++)
    for (let x = 0; x < tex.width; x++) {
      const o = y * bytesPerRow + 4 * x;
      rgba.push(bgra ? src[o + 2] : src[o], src[o + 1], bgra ? src[o] : src[o + 2], src[o + 3]);
    }
  buf.unmap();
  buf.destroy();
  return { width: tex.width, height: tex.height, rgba };
}

/**
 * Test hook: renders the last drawn view with both renderers (same deterministic samples, no skipping) and
 * returns the largest colour difference in display space.
 */
export async function compareWithReference(resolution = 64): Promise<{ maxAbsError: number; pixels: number }> {
  const model = current;
  if (!model || !latent || !lastFrame) throw new Error('nothing to compare yet');
  const cfg = model.generator.config;
  const cam = lastFrame.camera;
  model.renderer.render(cam, { width: resolution, height: resolution, deterministic: true });
  const img = await model.renderer.read();
  const ref = renderReference(cfg, model.generator.params, latent.planes, latent.ws, [cam], { resolution, deterministic: true, chunkRays: 1024 });
  const rgb = await ref.rgb.data();
  tf.dispose([ref.rgb, ref.depth, ref.opacity]);
  let maxAbsError = 0;
  for (let i = 0; i < resolution * resolution; i++)
    for (let k = 0; k < 3; k++) maxAbsError = Math.max(maxAbsError, Math.abs(toDisplay(img.rgba[4 * i + k]) - toDisplay(rgb[3 * i + k])));
  return { maxAbsError, pixels: resolution * resolution };
}
