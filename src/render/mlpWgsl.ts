/**
 * WGSL of the tri-plane decoder MLP, generated from the model config, four neurons at a time: a group's
 * activation is a vec4, the sum over its inputs of one vec4 of weights times the input (four multiply-adds per
 * weight read, and no horizontal sums), and the last hidden layer is fused with the output layer — each group of
 * four hidden neurons adds its contribution to the output as soon as it is computed — so no hidden activation is
 * ever stored. (The background INR is evaluated in tiles instead: backgroundInrWgsl.ts.)
 *
 * Why: the official decoder (32 → 64 → 4) has 2372 weights per evaluation, and every sample of every ray reads
 * them all. Read one float at a time, as before, they cost a load instruction per multiply-add, and the
 * 64 hidden values, written through a loop index, lived in scratch memory (GPUs cannot index registers). As
 * vec4s they are a quarter of the reads, and fused there is no array at all. The weights are a
 * uniform buffer where they fit WebGPU's guaranteed 64 KiB (every preset: the official decoder is 9.5 KB):
 * every invocation of a loop step reads the same weights, the access constant caches are built for.
 *
 * Small layers (inputs × outputs ≤ UNROLL_LIMIT) are emitted group by group with constant indices; larger
 * ones loop over their groups with the inputs unrolled, so code grows with the inputs only.
 *
 * Weight layout (packDecoder in gpuWeights.ts; offsets in decoderLayout), in vec4 units, per hidden layer in
 * evaluation order, per group g of four outputs: the biases of outputs 4g … 4g + 3, then for each input i the
 * weights from i to those four outputs; for the last hidden layer also the output layer's weights of hidden
 * neurons 4g … 4g + 3, one vec4 (R, G, B, σ) each. Then the output bias. Outputs past a layer's width have zero
 * weights and bias, so they add nothing. Hidden layers apply lrelu·√2 (`lrelu4` from triplane.wgsl).
 */
import { decoderDims, DECODER_OUT, type ModelConfig } from '../model/config';

const SQRT2 = '1.4142135623730951';

/** WGSL f32 literal with a decimal point (WGSL would read `2` as an abstract int). */
export function f32Literal(v: number): string {
  const s = Math.fround(v).toString();
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/**
 * Largest layer (inputs × outputs) emitted group by group. Bigger layers loop over their groups: unrolled code
 * costs compile time (with the official decoder's 32 → 64 layer fully unrolled, the official-shapes renderer test
 * took 125 s instead of 77 s on lavapipe) and instruction cache (frames were slower on an H200, not faster:
 * docs/render-performance.md, *The background pass*).
 */
const UNROLL_LIMIT = 1024;

/** WebGPU's guaranteed maxUniformBufferBindingSize: larger decoders are read from a storage buffer. */
export const MAX_UNIFORM_BYTES = 65536;

export interface DecoderLayer {
  nin: number;
  nout: number;
  /** Vec4s of one group of four outputs: the bias, one per input, and with `fused` four of output-layer weights. */
  groupVec4s: number;
  /** The last hidden layer, which carries the output layer's weights. */
  fused: boolean;
  /** Vec4 offset of the layer's first group. */
  off4: number;
}

export interface DecoderLayout {
  hidden: DecoderLayer[];
  /** Vec4 offset of the output bias (the last vec4). */
  outBias4: number;
  vec4s: number;
}

export function decoderLayout(cfg: ModelConfig): DecoderLayout {
  const dims = decoderDims(cfg);
  const hidden: DecoderLayer[] = [];
  let off4 = 0;
  for (let l = 0; l + 2 < dims.length; l++) {
    const fused = l + 3 === dims.length;
    const groupVec4s = 1 + dims[l] + (fused ? DECODER_OUT : 0);
    hidden.push({ nin: dims[l], nout: dims[l + 1], groupVec4s, fused, off4 });
    off4 += groupVec4s * Math.ceil(dims[l + 1] / 4);
  }
  return { hidden, outBias4: off4, vec4s: off4 + 1 };
}

/** Bytes of the packed decoder (packDecoder). */
export const decoderBytes = (cfg: ModelConfig) => decoderLayout(cfg).vec4s * 16;

/** The address space the decoder weights are bound in: `uniform` where they fit, else read-only storage. */
export function decoderAddressSpace(cfg: ModelConfig): 'uniform' | 'storage, read' {
  return decoderBytes(cfg) <= MAX_UNIFORM_BYTES ? 'uniform' : 'storage, read';
}

/** `base + k` as WGSL: folded when the base is a constant. */
const at = (base: number | string, k: number) => (typeof base === 'number' ? `${base + k}u` : k === 0 ? base : `${base} + ${k}u`);

/**
 * Inputs per partial sum of a group: the sum over a layer's inputs is split into chains of this many
 * multiply-adds, added at the end, so that a GPU (or a CPU core) has several independent chains per component in
 * flight instead of one as long as the layer is wide (floating-point addition is not reassociated for us).
 */
const CHAIN = 8;

/** Lines computing `a`, the activated vec4 of group base `b` (a number, or a WGSL expression in a loop). */
function groupLines(l: DecoderLayer, b: number | string, x: string[], indent: string): string[] {
  const terms = Array.from({ length: l.nin }, (_, i) => `decW[${at(b, 1 + i)}] * ${x[i >> 2]}.${'xyzw'[i & 3]}`);
  const lines = [`${indent}let a = lrelu4(decW[${at(b, 0)}]`];
  for (let i = 0; i < terms.length; i += CHAIN) lines.push(`${indent}  + (${terms.slice(i, i + CHAIN).join(' + ')})`);
  lines[lines.length - 1] += `) * ${SQRT2};`;
  return lines;
}

/**
 * One hidden layer on inputs `x` (vec4 expressions); returns its lines and output vec4 expressions (none when
 * fused: each group's activation `a` goes straight into the output instead of into the layer's array).
 */
function hiddenLayer(l: DecoderLayer, x: string[], name: string): { lines: string[]; outputs: string[] } {
  const groups = Math.ceil(l.nout / 4);
  const use = (b: number | string, g: number | string) =>
    l.fused ? [0, 1, 2, 3].map((j) => `    out += decW[${at(b, 1 + l.nin + j)}] * a.${'xyzw'[j]};`) : [`    ${name}[${g}] = a;`];
  const lines = l.fused ? [] : [`  var ${name}: array<vec4f, ${groups}>;`];
  if (l.nin * l.nout <= UNROLL_LIMIT) {
    for (let g = 0; g < groups; g++) {
      const b = l.off4 + g * l.groupVec4s;
      lines.push('  {', ...groupLines(l, b, x, '    '), ...use(b, g), '  }');
    }
  } else {
    lines.push(`  for (var g = 0u; g < ${groups}u; g++) {`, `    let b = ${l.off4 ? `${l.off4}u + ` : ''}g * ${l.groupVec4s}u;`);
    lines.push(...groupLines(l, 'b', x, '    '), ...use('b', 'g'), '  }');
  }
  return { lines, outputs: l.fused ? [] : Array.from({ length: groups }, (_, g) => `${name}[${g}]`) };
}

/**
 * `alias DecoderWeights` (the type of the decoder binding, `decW`, declared by each decoding pass as
 * `var<DECODER_SPACE>`: see decodingShader) and `fn decodeFeatures(feat: array<vec4f, C4>) -> vec4f`, the raw
 * (R, G, B, σ) of a mean tri-plane feature (channels packed by four).
 */
export function decoderWgsl(cfg: ModelConfig): string {
  const layout = decoderLayout(cfg);
  const c4 = Math.ceil(cfg.triplane.channels / 4);
  const lines: string[] = [`  var out = decW[${layout.outBias4}u];`];
  let x = Array.from({ length: c4 }, (_, i) => `feat[${i}]`);
  layout.hidden.forEach((l, i) => {
    const layer = hiddenLayer(l, x, `h${i}`);
    lines.push(...layer.lines);
    x = layer.outputs;
  });
  return [
    `alias DecoderWeights = array<vec4f, ${layout.vec4s}>;`,
    '/// Decoder MLP on a feature vector → raw (R, G, B, σ). Generated by mlpWgsl.ts.',
    `fn decodeFeatures(feat: array<vec4f, ${c4}>) -> vec4f {`,
    ...lines,
    '  return out;',
    '}',
  ].join('\n');
}
