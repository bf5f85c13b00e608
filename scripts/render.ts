/**
 * Renders one picture of a viewer model in Node (tfjs wasm, the reference renderer), like the official
 * gen_samples / inference scripts:
 *   npm run render -- --weights DIR (--seed S | --z FILE.npy) [--class K] --yaw Y --pitch P --res N
 *                     [--psi T] [--deterministic] [--bg-steps K] --out FILE.png|FILE.npy
 * yaw/pitch in radians, official convention (pitch π/2 = equator). --psi defaults to 1 (no truncation; the
 * official inference script uses 0.7); conditional models truncate towards their class's mean w.
 * .npy: raw float32 [3, H, W] in the official raw range (≈[−1, 1]); .png: the displayed image clamp(x,−1,1)·0.5+0.5.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../tests/helpers/backend';
import { Generator } from '../src/model/generator';
import { loadWeights } from '../src/model/weights';
import { dirSource } from '../src/model/weightsNode';
import { readNpy, writeNpy } from '../src/model/npy';
import { zFromSeed } from '../src/model/prng';
import { cameraFromAngles } from '../src/render/camera';
import { renderReference } from '../src/render/reference';
import { toDisplayByte } from '../src/render/displayMap';
import { encodePng } from '../src/data/png';
import { FileProblemError } from '../src/model/fileError';

const USAGE =
  'usage: npm run render -- --weights DIR (--seed S | --z FILE.npy) [--class K] --yaw Y --pitch P --res N [--psi T] [--deterministic] [--bg-steps K] --out FILE.png|FILE.npy';

/** A bad command line (printed without a stack trace). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface RenderArgs {
  weights: string;
  seed?: number;
  z?: string;
  label?: number;
  yaw: number;
  pitch: number;
  res: number;
  psi: number;
  deterministic: boolean;
  bgSteps?: number;
  out: string;
}

export function parseRenderArgs(argv: string[]): RenderArgs {
  const opt = new Map<string, string>();
  let deterministic = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--deterministic') deterministic = true;
    else if (a.startsWith('--') && i + 1 < argv.length) opt.set(a.slice(2), argv[++i]);
    else throw new UsageError(`unexpected argument ${JSON.stringify(a)}\n${USAGE}`);
  }
  const known = ['weights', 'seed', 'z', 'class', 'yaw', 'pitch', 'res', 'psi', 'bg-steps', 'out'];
  for (const k of opt.keys()) if (!known.includes(k)) throw new UsageError(`unknown option --${k}\n${USAGE}`);
  const req = (k: string) => {
    const v = opt.get(k);
    if (v === undefined) throw new UsageError(`--${k} is required\n${USAGE}`);
    return v;
  };
  const num = (k: string, v: string, int = false) => {
    const x = Number(v);
    if (!Number.isFinite(x) || (int && !Number.isInteger(x))) throw new UsageError(`--${k} must be ${int ? 'an integer' : 'a number'} (got ${v})`);
    return x;
  };
  if (opt.has('seed') === opt.has('z')) throw new UsageError(`give exactly one of --seed S and --z FILE.npy\n${USAGE}`);
  const out = req('out');
  if (!/\.(png|npy)$/i.test(out)) throw new UsageError(`--out must end in .png or .npy (got ${out})`);
  const res = num('res', req('res'), true);
  if (res < 1 || res > 4096) throw new UsageError(`--res must be in [1, 4096] (got ${res})`);
  const bg = opt.get('bg-steps');
  return {
    weights: req('weights'),
    seed: opt.has('seed') ? num('seed', opt.get('seed')!, true) : undefined,
    z: opt.get('z'),
    label: opt.has('class') ? num('class', opt.get('class')!, true) : undefined,
    yaw: num('yaw', req('yaw')),
    pitch: num('pitch', req('pitch')),
    res,
    psi: opt.has('psi') ? num('psi', opt.get('psi')!) : 1,
    deterministic,
    bgSteps: bg === undefined ? undefined : num('bg-steps', bg, true),
    out,
  };
}

/** Renders and returns the raw image [3, H, W] (also written to a.out). */
export async function renderToFile(a: RenderArgs): Promise<Float32Array> {
  const w = await loadWeights(dirSource(a.weights));
  const cfg = w.config;
  let z: Float32Array;
  if (a.z) {
    let arr;
    try {
      arr = readNpy(new Uint8Array(readFileSync(a.z)));
    } catch (e) {
      throw new FileProblemError(a.z, (e as Error).message);
    }
    if (arr.data.length !== cfg.zDim) throw new UsageError(`${a.z}: holds ${arr.data.length} values [${arr.shape}], the model needs z of ${cfg.zDim}`);
    z = arr.data;
  } else z = zFromSeed(a.seed!, cfg.zDim);
  if (cfg.cDim > 0 && a.label === undefined) throw new UsageError(`this model is conditional (${cfg.cDim} classes): give --class K`);
  if (cfg.cDim === 0 && a.label !== undefined && a.label !== 0) throw new UsageError('this model is unconditional: --class does not apply');
  const g = Generator.fromArrays(cfg, w.arrays);
  try {
    const raw = tf.tidy(() => {
      const ws = g.mapping(tf.tensor2d(z, [1, cfg.zDim]), cfg.cDim > 0 ? [a.label!] : null, { psi: a.psi });
      const planes = g.synthesize(ws, { noiseMode: 'const' });
      const cam = cameraFromAngles(a.yaw, a.pitch, cfg.camera.radius, cfg.camera.fovDeg);
      const out = renderReference(cfg, g.params, planes, ws, [cam], { resolution: a.res, deterministic: a.deterministic, bgSteps: a.bgSteps, seed: a.seed ?? 0 });
      return tf.transpose(tf.reshape(out.rgb, [a.res, a.res, 3]), [2, 0, 1]);
    });
    const chw = (await raw.data()) as Float32Array;
    raw.dispose();
    if (a.out.toLowerCase().endsWith('.npy')) writeFileSync(a.out, writeNpy(chw, [3, a.res, a.res]));
    else {
      const n = a.res * a.res;
      const rgba = new Uint8Array(4 * n);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < 3; k++) rgba[4 * i + k] = toDisplayByte(chw[k * n + i]);
        rgba[4 * i + 3] = 255;
      }
      writeFileSync(a.out, encodePng(rgba, a.res, a.res));
    }
    return chw;
  } finally {
    g.dispose();
  }
}

export async function main(argv: string[]) {
  const a = parseRenderArgs(argv);
  await useBackend('wasm');
  const t0 = performance.now();
  await renderToFile(a);
  console.log(JSON.stringify({ out: a.out, res: a.res, ms: Math.round(performance.now() - t0) }));
}
