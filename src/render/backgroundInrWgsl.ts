/**
 * WGSL of the background INR for the background pass (wgsl/background.wgsl), generated from the model config:
 * a workgroup evaluates a tile of inverse-sphere points together, like a small matrix product.
 *
 * Why a tile rather than one pixel per thread: per thread, a 128-wide layer's outputs are a dynamically indexed
 * array, which every compiler places in scratch memory (fully unrolled, the official INR takes lavapipe
 * minutes to compile), and a 64² frame is a single thread's 16 serial INR evaluations long. In a tile the
 * activations of all points live in workgroup memory, each thread owns one output neuron (or a few) for a group
 * of points with its accumulators in registers, and every weight read serves all the points of its group.
 *
 * Weight layout (packBackground in gpuWeights.ts), per layer in evaluation order, in vec4 units: W as
 * [⌈in/4⌉][out] vec4 (inputs 4i … 4i+3 of output o at i·out + o, so that neighbouring threads read neighbouring
 * weights), zero-padded past `in`; then the bias, ⌈out/4⌉ vec4.
 */
import { bgFourierCoefs, bgFourierDim, bgFourierPeriod, BG_COORD_DIM, BG_OUT, type ModelConfig } from '../model/config';
import { f32Literal } from './mlpWgsl';

/** Invocations per workgroup of the background pass. */
export const BG_THREADS = 128;
/** WebGPU's guaranteed workgroup memory; devices may allow more (tfjs's device asks for the adapter's limit). */
export const MIN_WORKGROUP_BYTES = 16384;
/** Most points per thread group: one accumulator register per point and output. */
const MAX_POINTS_PER_GROUP = 32;

export interface BgTile {
  /** Groups of threads splitting the tile's points; each group computes all outputs of a layer for its points. */
  groups: number;
  threadsPerGroup: number;
  /** Outputs each thread computes per layer (⌈width / threadsPerGroup⌉). */
  outputsPerThread: number;
  pointsPerGroup: number;
  /** Points per tile (groups · pointsPerGroup). */
  points: number;
  /** vec4 per point row of the activations (one spare vec4 so rows start in different memory banks). */
  stride4: number;
  /** Bytes of workgroup memory the pass declares. */
  workgroupBytes: number;
}

/** The tile for a config on a device allowing `workgroupBytes` of workgroup memory (3/4 of it for activations). */
export function bgTile(cfg: ModelConfig, workgroupBytes = MIN_WORKGROUP_BYTES): BgTile {
  const actFloats = Math.floor((workgroupBytes * 3) / 16);
  const W = cfg.background.width;
  const stride4 = Math.ceil(Math.max(W, bgFourierDim(cfg)) / 4) + 1;
  // As many groups as the width leaves threads for, but at least one point per group in workgroup memory.
  const maxGroups = Math.min(BG_THREADS / W, actFloats / (stride4 * 4));
  const groups = maxGroups <= 1 ? 1 : 2 ** Math.floor(Math.log2(maxGroups));
  const threadsPerGroup = BG_THREADS / groups;
  const fit = Math.floor(actFloats / (groups * stride4 * 4));
  let pointsPerGroup = Math.max(1, Math.min(MAX_POINTS_PER_GROUP, fit, Math.floor(BG_THREADS / groups)));
  // Whole pixels of the config's steps per tile (a tile holds whole pixels, so the rest would idle).
  const S = cfg.background.steps;
  if (groups * pointsPerGroup > S) pointsPerGroup = Math.max(1, Math.floor((Math.floor((groups * pointsPerGroup) / S) * S) / groups));
  const points = groups * pointsPerGroup;
  return {
    groups,
    threadsPerGroup,
    outputsPerThread: Math.ceil(W / threadsPerGroup),
    pointsPerGroup,
    points,
    stride4,
    workgroupBytes: points * stride4 * 16 + points * BG_OUT * 4 + 4,
  };
}

/** Floats of one packed layer (see the layout above). */
export const bgLayerFloats = (nin: number, nout: number) => Math.ceil(nin / 4) * 4 * nout + Math.ceil(nout / 4) * 4;

/** The layers of the INR in evaluation order: hidden (lrelu·√2) layers and each block's linear 4-channel output. */
export function bgLayers(cfg: ModelConfig): { nin: number; nout: number; output: boolean }[] {
  const bg = cfg.background;
  const layers: { nin: number; nout: number; output: boolean }[] = [];
  let nin = bgFourierDim(cfg);
  for (let b = 0; b < bg.blocks; b++) {
    for (let l = 0; l < (b === 0 ? 1 : 2); l++) {
      layers.push({ nin, nout: bg.width, output: false });
      nin = bg.width;
    }
    layers.push({ nin, nout: BG_OUT, output: true });
  }
  return layers;
}

const u = (n: number) => `${n}u`;

/** `fn bgFeatures(j, pt)`: Fourier features sin/cos((x·2^F)·π·2^k/2^F) of each coordinate into activation row j. */
function featuresWgsl(cfg: ModelConfig): string[] {
  const F = cfg.background.fourierFrequencies;
  const coefs = bgFourierCoefs(cfg).map(f32Literal);
  const period = f32Literal(bgFourierPeriod(cfg));
  const lines = ['fn bgFeatures(j: u32, pt: vec4f) {'];
  const x: string[] = [];
  for (let d = 0; d < BG_COORD_DIM; d++) {
    for (let k = 0; k < F; k++) lines.push(`  let r${d}_${k} = (pt[${d}] * ${period}) * ${coefs[k]};`);
    for (let k = 0; k < F; k++) x.push(`sin(r${d}_${k})`);
    for (let k = 0; k < F; k++) x.push(`cos(r${d}_${k})`);
  }
  if (x.length !== bgFourierDim(cfg)) throw new Error('background Fourier features disagree with bgFourierDim');
  for (let i = 0; i < x.length; i += 4) {
    const v = [0, 1, 2, 3].map((r) => x[i + r] ?? '0.0');
    lines.push(`  act[j * BG_STRIDE4 + ${u(i / 4)}] = vec4f(${v.join(', ')});`);
  }
  lines.push('}');
  return lines;
}

/** One hidden layer, in place: every thread computes its outputs for its group's points, then all write. */
function hiddenLayerWgsl(t: BgTile, off4: number, nin: number, nout: number, name: string): string[] {
  const nin4 = Math.ceil(nin / 4);
  const bias4 = off4 + nin4 * nout;
  const lines = [`  { // ${name}: ${nin} → ${nout}`];
  for (let k = 0; k < t.outputsPerThread; k++) {
    lines.push(`    let o${k} = min(o + ${u(k * t.threadsPerGroup)}, ${u(nout - 1)});`);
    for (let p = 0; p < t.pointsPerGroup; p++) lines.push(`    var a${k}_${p} = 0.0;`);
  }
  lines.push(`    for (var i = 0u; i < ${u(nin4)}; i++) {`);
  for (let k = 0; k < t.outputsPerThread; k++) {
    lines.push(`      let w${k} = bgW[${u(off4)} + i * ${u(nout)} + o${k}];`);
    for (let p = 0; p < t.pointsPerGroup; p++) lines.push(`      a${k}_${p} += dot(w${k}, act[(base + ${u(p)}) * BG_STRIDE4 + i]);`);
  }
  lines.push('    }', '    workgroupBarrier();');
  for (let k = 0; k < t.outputsPerThread; k++) {
    lines.push(`    if (o + ${u(k * t.threadsPerGroup)} < ${u(nout)}) {`);
    lines.push(`      let b${k} = bgW[${u(bias4)} + (o${k} >> 2u)][o${k} & 3u];`);
    for (let p = 0; p < t.pointsPerGroup; p++) {
      lines.push(`      act[(base + ${u(p)}) * BG_STRIDE4 + (o${k} >> 2u)][o${k} & 3u] = lrelu2(a${k}_${p} + b${k});`);
    }
    lines.push('    }');
  }
  lines.push('    workgroupBarrier();', '  }');
  return lines;
}

/** A block's linear 4-channel output, added to `raw`: one thread per (point, channel). */
function outputLayerWgsl(off4: number, nin: number, name: string): string[] {
  const nin4 = Math.ceil(nin / 4);
  return [
    `  // ${name}: ${nin} → ${BG_OUT}, added to raw`,
    `  for (var j = t; j < BG_POINTS * 4u; j += ${u(BG_THREADS)}) {`,
    '    let c = j & 3u;',
    `    var s = bgW[${u(off4 + nin4 * BG_OUT)}][c];`,
    `    for (var i = 0u; i < ${u(nin4)}; i++) { s += dot(bgW[${u(off4)} + i * 4u + c], act[(j >> 2u) * BG_STRIDE4 + i]); }`,
    '    raw[j] += s;',
    '  }',
  ];
}

/**
 * Constants, workgroup arrays, `bgFeatures` and `fn bgInr(t)` — which, called by every thread of the workgroup
 * in uniform control flow with the features of BG_POINTS points in `act` and `raw` zeroed, leaves the INR's raw
 * (R, G, B, σ) of point j in raw[4j … 4j + 3].
 */
export function backgroundInrWgsl(cfg: ModelConfig, t: BgTile): string {
  const lines = [
    '// Background INR tile, generated by backgroundInrWgsl.ts.',
    `const BG_THREADS: u32 = ${u(BG_THREADS)};`,
    `const BG_POINTS: u32 = ${u(t.points)};`,
    `const BG_STRIDE4: u32 = ${u(t.stride4)};`,
    'var<workgroup> act: array<vec4f, BG_POINTS * BG_STRIDE4>;',
    'var<workgroup> raw: array<f32, BG_POINTS * 4u>;',
    'fn lrelu2(x: f32) -> f32 { return select(0.2 * x, x, x >= 0.0) * 1.4142135623730951; }',
  ];
  if (!cfg.background.enabled) {
    return [...lines, 'fn bgFeatures(j: u32, pt: vec4f) {}', 'fn bgInr(t: u32) {}'].join('\n');
  }
  lines.push(...featuresWgsl(cfg));
  lines.push('fn bgInr(t: u32) {', `  let base = (t / ${u(t.threadsPerGroup)}) * ${u(t.pointsPerGroup)};`, `  let o = t % ${u(t.threadsPerGroup)};`);
  let off4 = 0;
  let block = 0;
  let layerInBlock = 0;
  for (const l of bgLayers(cfg)) {
    if (l.output) {
      lines.push(...outputLayerWgsl(off4, l.nin, `block ${block} output`));
      block++;
      layerInBlock = 0;
    } else {
      lines.push(...hiddenLayerWgsl(t, off4, l.nin, l.nout, `block ${block} layer ${layerInBlock++}`));
    }
    off4 += bgLayerFloats(l.nin, l.nout) / 4;
  }
  lines.push('}');
  return lines.join('\n');
}
