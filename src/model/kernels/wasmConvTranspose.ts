/**
 * The input gradient of a strided conv (and conv2dTranspose) on wasm without zero-stuffing: of the taps a
 * stuffed-dy conv multiplies, only 1 in sh·sw meets a nonzero, so at stride 2 it does 4× the work. Split by
 * output phase instead: the dx pixels with i ≡ φy (mod sh), j ≡ φx (mod sw) see only the filter taps
 * k ≡ φ + top (mod s), so each phase is a plain stride-1 conv of dy with that sub-filter (flipped and
 * transposed), run by XNNPACK; the phases are then interleaved into dx. At stride 1 there is one phase, and
 * XNNPACK's implicit padding replaces the padded copy of dy a stuffed conv would need.
 *
 * Per axis, with forward out[o] = Σ_k x[o·s + k − top]·W[k]: dx[φ + s·m] = Σ_t dy[m + c − t]·W[k0 + s·t] for
 * k0 = (φ + top) mod s, c = (φ + top − k0)/s, t < T = ⌈(K − k0)/s⌉ — a correlation of dy, starting at
 * m + c − T + 1, with the reversed sub-filter.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { runWasm, type WasmBackendLike } from './wasmRun';

interface AxisPhase {
  /** First filter tap and tap count of this phase. */
  k0: number;
  taps: number;
  /** dx positions of this phase, and the conv's explicit padding of dy and first useful output. */
  count: number;
  padBefore: number;
  padAfter: number;
  first: number;
}

function axisPhase(phase: number, s: number, k: number, top: number, inSize: number, dySize: number): AxisPhase {
  const k0 = (((phase + top) % s) + s) % s;
  const taps = k0 < k ? Math.ceil((k - k0) / s) : 0;
  const count = Math.ceil((inSize - phase) / s);
  const start = (phase + top - k0) / s - taps + 1;
  const padBefore = Math.max(0, -start);
  const padAfter = Math.max(0, start + count + taps - 1 - dySize);
  return { k0, taps, count, padBefore, padAfter, first: start + padBefore };
}

/** One phase's conv: dy by the reversed, transposed sub-filter; null when no tap reaches the phase. */
function phaseConv(b: WasmBackendLike, dy: TensorInfo, filter: TensorInfo, ay: AxisPhase, ax: AxisPhase, sh: number, sw: number): TensorInfo | null {
  if (ay.taps === 0 || ax.taps === 0) return null;
  const [, kw, ci, co] = filter.shape;
  const sub = b.makeOutput([ay.taps, ax.taps, co, ci], 'float32');
  const sv = b.typedArrayFromHeap(sub) as Float32Array;
  const wv = b.typedArrayFromHeap(filter) as Float32Array;
  for (let uy = 0; uy < ay.taps; uy++)
    for (let ux = 0; ux < ax.taps; ux++) {
      const ky = ay.k0 + sh * (ay.taps - 1 - uy);
      const kx = ax.k0 + sw * (ax.taps - 1 - ux);
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) sv[((uy * ax.taps + ux) * co + o) * ci + i] = wv[((ky * kw + kx) * ci + i) * co + o];
    }
  const pad = [
    [0, 0],
    [ay.padBefore, ay.padAfter],
    [ax.padBefore, ax.padAfter],
    [0, 0],
  ];
  const part = runWasm('Conv2D', b, { x: dy, filter: sub }, { strides: 1, pad, dataFormat: 'NHWC', dilations: 1 });
  b.disposeData(sub.dataId);
  return part;
}

/** dx [n, h, w, ci] of a conv with filter [kh, kw, ci, co], strides (sh, sw) and top/left padding. */
export function phasedBackpropInput(
  b: WasmBackendLike,
  dy: TensorInfo,
  filter: TensorInfo,
  inputShape: [number, number, number, number],
  strides: [number, number],
  padTopLeft: [number, number],
): TensorInfo {
  const [kh, kw, ci] = filter.shape;
  const [n, h, w] = inputShape;
  const [sh, sw] = strides;
  const [oh, ow] = [dy.shape[1], dy.shape[2]];
  const phases = (py: number, px: number) => [axisPhase(py, sh, kh, padTopLeft[0], h, oh), axisPhase(px, sw, kw, padTopLeft[1], w, ow)];
  if (sh === 1 && sw === 1) {
    // One phase: when its conv output is dx exactly (the usual case), XNNPACK's own padding does everything.
    const [ay, ax] = phases(0, 0);
    const part = phaseConv(b, dy, filter, ay, ax, 1, 1);
    if (part && ay.first === 0 && ax.first === 0 && part.shape[1] === h && part.shape[2] === w) return part;
    if (part) b.disposeData(part.dataId);
  }
  const out = b.makeOutput([n, h, w, ci], 'float32');
  for (let py = 0; py < Math.min(sh, h); py++)
    for (let px = 0; px < Math.min(sw, w); px++) {
      const [ay, ax] = phases(py, px);
      const part = phaseConv(b, dy, filter, ay, ax, sh, sw);
      // Views after every allocation: a growing wasm heap detaches earlier ones.
      const dx = b.typedArrayFromHeap(out) as Float32Array;
      const pv = part ? (b.typedArrayFromHeap(part) as Float32Array) : null;
      const [pH, pW] = part ? [part.shape[1], part.shape[2]] : [0, 0];
      for (let bi = 0; bi < n; bi++)
        for (let my = 0; my < ay.count; my++) {
          const rowOut = (bi * h + py + sh * my) * w;
          const rowIn = (bi * pH + ay.first + my) * pW + ax.first;
          for (let mx = 0; mx < ax.count; mx++) {
            const d = (rowOut + px + sw * mx) * ci;
            if (!pv) dx.fill(0, d, d + ci);
            else if (ci >= 32) dx.set(pv.subarray((rowIn + mx) * ci, (rowIn + mx + 1) * ci), d);
            else for (let c = 0, s = (rowIn + mx) * ci; c < ci; c++) dx[d + c] = pv[s + c];
          }
        }
      if (part) b.disposeData(part.dataId);
    }
  return out;
}
