/** Rendering for the evaluation tools: seeds and cameras → reference-renderer images (deterministic samples). */
import * as tf from '@tensorflow/tfjs-core';
import type { Generator } from '../model/generator';
import { cameraFromAngles } from '../render/camera';
import { renderReference, type RenderOutput } from '../render/reference';

/**
 * One image per (seed, [yaw, pitch]) at res², with the config's inference sample counts, no jitter
 * (`deterministic`), const noise and ψ = 1: the same picture every run.
 */
export function renderSeeds(G: Generator, seeds: number[], angles: readonly (readonly [number, number])[], res: number): RenderOutput {
  if (seeds.length !== angles.length) throw new Error(`renderSeeds: ${seeds.length} seeds but ${angles.length} cameras`);
  const cfg = G.config;
  const z = G.latents(seeds);
  const ws = G.mapping(z);
  const planes = G.synthesize(ws, { noiseMode: 'const' });
  const cams = angles.map(([y, p]) => cameraFromAngles(y, p, cfg.camera.radius, cfg.camera.fovDeg));
  const out = renderReference(cfg, G.params, planes, ws, cams, { resolution: res, deterministic: true, chunkRays: 1 << 16 });
  tf.dispose([z, ws, planes]);
  return out;
}

/** One latent seen from several cameras (the tri-planes synthesised once). */
export function renderViews(G: Generator, seed: number, angles: readonly (readonly [number, number])[], res: number): RenderOutput {
  const cfg = G.config;
  const z = G.latents([seed]);
  const ws1 = G.mapping(z);
  const planes1 = G.synthesize(ws1, { noiseMode: 'const' });
  const k = angles.length;
  const ws = tf.tile(ws1, [k, 1, 1]) as tf.Tensor3D;
  const planes = tf.tile(planes1, [k, 1, 1, 1]) as tf.Tensor4D;
  const cams = angles.map(([y, p]) => cameraFromAngles(y, p, cfg.camera.radius, cfg.camera.fovDeg));
  const out = renderReference(cfg, G.params, planes, ws, cams, { resolution: res, deterministic: true, chunkRays: 1 << 16 });
  tf.dispose([z, ws1, planes1, ws, planes]);
  return out;
}
