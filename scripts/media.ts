/**
 * `npm run media -- --weights DIR --out DIR [options]`: pictures of a model for the README, rendered with the
 * tfjs reference renderer on tfjs-wasm (deterministic samples, const noise, ψ = 1).
 *
 *   grid.png    --cols C (6) × --rows R (4) seeds (--seed S onwards, 0) from one camera (--yaw 0.6, --pitch 1.2)
 *   orbit.gif   --orbit-seeds K (4) seeds in a √K-wide mosaic turning a full circle in --frames F (36) frames
 *   --res R (64) pixels per image, --scale X (2) nearest-neighbour enlargement, --delay CS (8) per GIF frame
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../tests/helpers/backend';
import { loadWeights } from '../src/model/weights';
import { dirSource } from '../src/model/weightsNode';
import { Generator } from '../src/model/generator';
import { encodePng } from '../src/data/png';
import { encodeGif } from '../src/media/gif';
import { toDisplayByte } from '../src/render/displayMap';
import { renderSeeds, renderViews } from '../src/eval/sampling';
import { cliArgs } from './cliArgs';

/** Tiles of raw RGB images ([count, res, res, 3] values) into one RGBA canvas of cols × rows tiles, enlarged by `scale`. */
export function mosaic(rgb: Float32Array, count: number, res: number, cols: number, scale: number): { rgba: Uint8Array; width: number; height: number } {
  const rows = Math.ceil(count / cols);
  const width = cols * res * scale;
  const height = rows * res * scale;
  const rgba = new Uint8Array(width * height * 4);
  for (let t = 0; t < count; t++) {
    const tx = (t % cols) * res * scale;
    const ty = Math.floor(t / cols) * res * scale;
    for (let y = 0; y < res * scale; y++)
      for (let x = 0; x < res * scale; x++) {
        const s = ((t * res + Math.floor(y / scale)) * res + Math.floor(x / scale)) * 3;
        const d = ((ty + y) * width + tx + x) * 4;
        rgba[d] = toDisplayByte(rgb[s]);
        rgba[d + 1] = toDisplayByte(rgb[s + 1]);
        rgba[d + 2] = toDisplayByte(rgb[s + 2]);
        rgba[d + 3] = 255;
      }
  }
  return { rgba, width, height };
}

export async function main(argv: string[]) {
  const { get, num } = cliArgs(argv);
  const weights = get('weights', '');
  const out = get('out', '');
  if (!weights || !out) throw new Error('--weights DIR and --out DIR are required');
  const res = num('res', 64);
  const scale = num('scale', 2);
  const cols = num('cols', 6);
  const rows = num('rows', 4);
  const seed0 = num('seed', 0);
  const frames = num('frames', 36);
  const orbitSeeds = num('orbit-seeds', 4);
  const yaw = num('yaw', 0.6);
  const pitch = num('pitch', 1.2);
  const t0 = performance.now();
  await useBackend('wasm');
  const w = await loadWeights(dirSource(weights));
  const G = Generator.fromArrays(w.config, w.arrays);
  mkdirSync(out, { recursive: true });

  // Grid: seeds × one camera, in batches of 8.
  const n = cols * rows;
  const rgb = new Float32Array(n * res * res * 3);
  for (let s = 0; s < n; s += 8) {
    const c = Math.min(8, n - s);
    const seeds = Array.from({ length: c }, (_, i) => seed0 + s + i);
    const r = renderSeeds(G, seeds, seeds.map(() => [yaw, pitch] as const), res);
    rgb.set(await r.rgb.data(), s * res * res * 3);
    tf.dispose([r.rgb, r.depth, r.opacity]);
    process.stderr.write(`\rgrid: ${s + c}/${n}`);
  }
  const g = mosaic(rgb, n, res, cols, scale);
  const gridPath = join(out, 'grid.png');
  writeFileSync(gridPath, encodePng(g.rgba, g.width, g.height));
  const gridS = (performance.now() - t0) / 1000;
  process.stderr.write(`\n${gridPath}: ${g.width}×${g.height}, seeds ${seed0}…${seed0 + n - 1}, yaw ${yaw}, pitch ${pitch} (${gridS.toFixed(1)} s)\n`);

  // Orbit: each seed's tri-planes once, rendered from every frame's camera.
  const t1 = performance.now();
  const angles = Array.from({ length: frames }, (_, f) => [yaw + (2 * Math.PI * f) / frames, pitch] as const);
  const perSeed: Float32Array[] = [];
  for (let k = 0; k < orbitSeeds; k++) {
    const views = new Float32Array(frames * res * res * 3);
    for (let f = 0; f < frames; f += 12) {
      const r = renderViews(G, seed0 + k, angles.slice(f, f + 12), res);
      views.set(await r.rgb.data(), f * res * res * 3);
      tf.dispose([r.rgb, r.depth, r.opacity]);
    }
    perSeed.push(views);
    process.stderr.write(`\rorbit: seed ${k + 1}/${orbitSeeds}`);
  }
  const oc = Math.ceil(Math.sqrt(orbitSeeds));
  const hw3 = res * res * 3;
  const gifFrames: Uint8Array[] = [];
  let size = { width: 0, height: 0 };
  for (let f = 0; f < frames; f++) {
    const tiles = new Float32Array(orbitSeeds * hw3);
    for (let k = 0; k < orbitSeeds; k++) tiles.set(perSeed[k].subarray(f * hw3, (f + 1) * hw3), k * hw3);
    const m = mosaic(tiles, orbitSeeds, res, oc, scale);
    gifFrames.push(m.rgba);
    size = m;
  }
  const gif = encodeGif(gifFrames, size.width, size.height, { delayCs: num('delay', 8) });
  const gifPath = join(out, 'orbit.gif');
  writeFileSync(gifPath, gif);
  process.stderr.write(`\n${gifPath}: ${size.width}×${size.height}, ${frames} frames, ${(gif.length / 1024).toFixed(0)} KiB (${((performance.now() - t1) / 1000).toFixed(1)} s)\n`);
  G.dispose();
  console.log(JSON.stringify({ model: w.config.name, grid: gridPath, gridSize: [g.width, g.height], gif: gifPath, gifBytes: gif.length, frames, seconds: +((performance.now() - t0) / 1000).toFixed(1) }));
}
