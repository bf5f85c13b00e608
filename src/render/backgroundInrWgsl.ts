/**
 * WGSL of the background INR for the background pass (wgsl/background.wgsl), generated from the model config:
 * a workgroup evaluates a tile of inverse-sphere points together, like a small matrix product.
 *
 * Why a tile rather than one pixel per thread: per thread, a 128-wide layer's outputs are a dynamically indexed
 * array, which every compiler places in scratch memory (fully unrolled, the official INR takes lavapipe
 * minutes to compile), and a 64² frame is a single thread's 16 serial INR evaluations long. In a tile the
 * activations of all points live in workgroup memory and each thread owns four output neurons (a quad, or a
 * few quads) for a group of points, its accumulators vec4 registers. Per four inputs a thread reads one vec4
 * of activations per point and four vec4 of weights (one per input, to its quad's four outputs), and does
 * 16 multiply-adds per point: a quarter of the activation reads that one neuron per thread needs.
 *
 * Weight layout (packBackground in gpuWeights.ts), per layer in evaluation order, in vec4 units: W as
 * [4·⌈in/4⌉][⌈out/4⌉] vec4 (input i's weights to outputs 4q … 4q+3 at i·⌈out/4⌉ + q, so that neighbouring
 * threads read neighbouring weights), zero-padded past `in` and `out`; then the bias, ⌈out/4⌉ vec4.
 */
import { bgFourierCoefs, bgFourierDim, bgFourierPeriod, BG_COORD_DIM, BG_OUT, type ModelConfig } from '../model/config';
import { f32Literal } from './mlpWgsl';

/** Invocations per workgroup of the background pass. */
export const BG_THREADS = 128;
/** WebGPU's guaranteed workgroup memory; devices may allow more (tfjs's device asks for the adapter's limit). */
export const MIN_WORKGROUP_BYTES = 16384;
/** Most points per thread group: a vec4 accumulator per point and quad (64 registers at most). */
const MAX_POINTS_PER_GROUP = 16;

export interface BgTile {
  /** Groups of threads splitting the tile's points; each group computes all outputs of a layer for its points. */
  groups: number;
  threadsPerGroup: number;
  /** Quads of output neurons each thread computes per layer (⌈width / 4 / threadsPerGroup⌉). */
  quadsPerThread: number;
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
  const quads = Math.ceil(W / 4);
  const stride4 = Math.ceil(Math.max(W, bgFourierDim(cfg)) / 4) + 1;
  // As many groups as the quads leave threads for, but at least one point per group in workgroup memory.
  const maxGroups = Math.min(BG_THREADS / quads, actFloats / (stride4 * 4));
  const groups = maxGroups <= 1 ? 1 : 2 ** Math.floor(Math.log2(maxGroups));
  const threadsPerGroup = BG_THREADS / groups;
  const fit = Math.floor(actFloats / (groups * stride4 * 4));
  const quadsPerThread = Math.ceil(quads / threadsPerGroup);
  const maxPoints = Math.max(1, Math.floor(MAX_POINTS_PER_GROUP / quadsPerThread));
  let pointsPerGroup = Math.max(1, Math.min(maxPoints, fit, Math.floor(BG_THREADS / groups)));
  // Whole pixels of the config's steps per tile (a tile holds whole pixels, so the rest would idle).
  const S = cfg.background.steps;
  if (groups * pointsPerGroup > S) pointsPerGroup = Math.max(1, Math.floor((Math.floor((groups * pointsPerGroup) / S) * S) / groups));
  const points = groups * pointsPerGroup;
  return {
    groups,
    threadsPerGroup,
    quadsPerThread,
    pointsPerGroup,
    points,
    stride4,
    workgroupBytes: points * stride4 * 16 + points * BG_OUT * 4 + 4,
  };
}

/** Floats of one packed layer (see the layout above). */
export const bgLayerFloats = (nin: number, nout: number) => (Math.ceil(nin / 4) * 4 + 1) * Math.ceil(nout / 4) * 4;

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

/** Sums of products `acc += w.x·x.x + …` over the four inputs of activation vec4 `x`, weights `w0 … w3`. */
const quadMadd = (acc: string, x: string, w: string) => `${acc} += ${w}0 * ${x}.x + ${w}1 * ${x}.y + ${w}2 * ${x}.z + ${w}3 * ${x}.w;`;

/** One hidden layer, in place: every thread computes its quads for its group's points, then all write. */
function hiddenLayerWgsl(t: BgTile, off4: number, nin: number, nout: number, name: string): string[] {
  const nin4 = Math.ceil(nin / 4);
  const q = Math.ceil(nout / 4);
  const bias4 = off4 + nin4 * 4 * q;
  const lines = [`  { // ${name}: ${nin} → ${nout}`];
  for (let k = 0; k < t.quadsPerThread; k++) {
    lines.push(`    let q${k} = min(o + ${u(k * t.threadsPerGroup)}, ${u(q - 1)});`);
    for (let p = 0; p < t.pointsPerGroup; p++) lines.push(`    var a${k}_${p} = vec4f(0.0);`);
  }
  lines.push(`    for (var i = 0u; i < ${u(nin4)}; i++) {`);
  for (let k = 0; k < t.quadsPerThread; k++) {
    for (let r = 0; r < 4; r++) lines.push(`      let w${k}${r} = bgW[${u(off4)} + (4u * i + ${u(r)}) * ${u(q)} + q${k}];`);
  }
  for (let p = 0; p < t.pointsPerGroup; p++) {
    lines.push(`      let x${p} = act[(base + ${u(p)}) * BG_STRIDE4 + i];`);
    for (let k = 0; k < t.quadsPerThread; k++) lines.push(`      ${quadMadd(`a${k}_${p}`, `x${p}`, `w${k}`)}`);
  }
  lines.push('    }', '    workgroupBarrier();');
  for (let k = 0; k < t.quadsPerThread; k++) {
    lines.push(`    if (o + ${u(k * t.threadsPerGroup)} < ${u(q)}) {`);
    lines.push(`      let b${k} = bgW[${u(bias4)} + q${k}];`);
    for (let p = 0; p < t.pointsPerGroup; p++) lines.push(`      act[(base + ${u(p)}) * BG_STRIDE4 + q${k}] = lrelu2(a${k}_${p} + b${k});`);
    lines.push('    }');
  }
  lines.push('    workgroupBarrier();', '  }');
  return lines;
}

/** A block's linear 4-channel output (one quad), added to `raw`: one thread per point. */
function outputLayerWgsl(off4: number, nin: number, name: string): string[] {
  const nin4 = Math.ceil(nin / 4);
  return [
    `  // ${name}: ${nin} → ${BG_OUT}, added to raw`,
    `  for (var j = t; j < BG_POINTS; j += ${u(BG_THREADS)}) {`,
    `    var s = bgW[${u(off4 + nin4 * 4)}];`,
    `    for (var i = 0u; i < ${u(nin4)}; i++) {`,
    `      let x = act[j * BG_STRIDE4 + i];`,
    ...[0, 1, 2, 3].map((r) => `      let w${r} = bgW[${u(off4)} + 4u * i + ${u(r)}];`),
    `      ${quadMadd('s', 'x', 'w')}`,
    '    }',
    '    raw[j] += s;',
    '  }',
  ];
}

/**
 * Constants, workgroup arrays, `bgFeatures` and `fn bgInr(t)` — which, called by every thread of the workgroup
 * in uniform control flow with the features of BG_POINTS points in `act` and `raw` zeroed, leaves the INR's raw
 * (R, G, B, σ) of point j in raw[j].
 */
export function backgroundInrWgsl(cfg: ModelConfig, t: BgTile): string {
  const lines = [
    '// Background INR tile, generated by backgroundInrWgsl.ts.',
    `const BG_THREADS: u32 = ${u(BG_THREADS)};`,
    `const BG_POINTS: u32 = ${u(t.points)};`,
    `const BG_STRIDE4: u32 = ${u(t.stride4)};`,
    'var<workgroup> act: array<vec4f, BG_POINTS * BG_STRIDE4>;',
    'var<workgroup> raw: array<vec4f, BG_POINTS>;',
    'fn lrelu2(x: vec4f) -> vec4f { return select(0.2 * x, x, x >= vec4f(0.0)) * 1.4142135623730951; }',
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
