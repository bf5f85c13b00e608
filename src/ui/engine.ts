/**
 * The viewer's engine: owns the tfjs backend, the loaded generator and its tri-planes. React components call
 * it and render what it reports through the store; they hold no GPU resources themselves.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Generator } from '../model/generator';
import { httpSource, loadWeights, type ModelMeta } from '../model/weights';
import { zFromSeed } from '../model/prng';
import { cameraFromAngles } from '../render/camera';
import { renderReference } from '../render/reference';
import type { ModelConfig } from '../model/config';

export interface BackendInfo {
  backend: string;
  adapter: string;
}

export async function initWebGPU(): Promise<BackendInfo> {
  if (!('gpu' in navigator) || !navigator.gpu) throw new Error('WebGPU is not available in this browser (navigator.gpu is missing)');
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) throw new Error('WebGPU is present but no adapter could be obtained');
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('the tfjs WebGPU backend failed to initialise');
  await tf.ready();
  const info = adapter.info;
  return { backend: tf.getBackend(), adapter: [info.vendor, info.architecture, info.description].filter(Boolean).join(' / ') || 'unknown' };
}

export interface LoadedModel {
  generator: Generator;
  meta: ModelMeta;
  url: string;
}

let current: LoadedModel | null = null;

/** Loads a model; on failure the current model stays loaded and the error propagates with the file named. */
export async function loadModel(url: string, onProgress?: (loaded: number, total: number) => void): Promise<LoadedModel> {
  const w = await loadWeights(httpSource(url), onProgress);
  const next: LoadedModel = { generator: Generator.fromArrays(w.config, w.arrays), meta: w.meta, url };
  current?.generator.dispose();
  current = next;
  return next;
}

export function currentModel(): LoadedModel | null {
  return current;
}

export interface Preview {
  width: number;
  height: number;
  pixels: Uint8ClampedArray; // RGBA
  synthMs: number;
  renderMs: number;
}

/** Synthesises the tri-planes for a seed and renders one view with the reference renderer. */
export async function renderPreview(model: LoadedModel, seed: number, psi: number, resolution: number, yaw = 0.6, pitch = 1.2): Promise<Preview> {
  const g = model.generator;
  const cfg: ModelConfig = g.config;
  const t0 = performance.now();
  const ws = tf.tidy(() => g.mapping(tf.tensor2d(zFromSeed(seed, cfg.zDim), [1, cfg.zDim]), null, { psi }));
  const planes = g.synthesize(ws);
  await planes.data(); // wait for the GPU so the timing is honest
  const t1 = performance.now();
  const cam = cameraFromAngles(yaw, pitch, cfg.camera.radius, cfg.camera.fovDeg);
  const out = renderReference(cfg, g.params, planes, ws, [cam], { resolution, deterministic: true, chunkRays: 1024 });
  const rgb = await out.rgb.data();
  const t2 = performance.now();
  tf.dispose([ws, planes, out.rgb, out.depth, out.opacity]);
  const pixels = new Uint8ClampedArray(resolution * resolution * 4);
  for (let i = 0; i < resolution * resolution; i++) {
    for (let k = 0; k < 3; k++) pixels[4 * i + k] = Math.round((Math.min(1, Math.max(-1, rgb[3 * i + k])) * 0.5 + 0.5) * 255);
    pixels[4 * i + 3] = 255;
  }
  return { width: resolution, height: resolution, pixels, synthMs: t1 - t0, renderMs: t2 - t1 };
}
