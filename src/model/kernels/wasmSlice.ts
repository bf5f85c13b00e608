/**
 * `Slice` (and the `SplitV`, `Unpack` and simple `StridedSlice` paths, which call the built-in slice function
 * directly rather than through the kernel registry) for tfjs-wasm. The built-in one copies one innermost row
 * per `subarray` + `set`: slicing [8, 32, 35, 64] along axis 2 makes ~9,000 calls of 64 floats each, and a
 * training step spends ~370 ms there. Here axes that need no separate loop are merged first (an axis taken
 * whole folds into the one outside it, an axis of size 1 folds into the one inside it), so contiguous runs
 * are as long as the layout allows, and short runs are copied by a plain loop (cheaper than a subarray).
 * `Concat` gets the same short-run copies.
 */
import * as tf from '@tensorflow/tfjs-core';
import { slice_util, util, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';

import { copyRun, type Heap, type WasmBackendLike } from './wasmRun';

/**
 * The slice as (dims, begins, sizes) over as few axes as possible, same memory order: neighbours (outer, inner)
 * merge when the inner axis is taken whole or the outer one has size 1.
 */
export function mergeSliceAxes(shape: number[], begin: number[], size: number[]): { dims: number[]; begins: number[]; sizes: number[] } {
  const dims: number[] = [];
  const begins: number[] = [];
  const sizes: number[] = [];
  for (let a = shape.length - 1; a >= 0; a--) {
    const [d, b, s] = [shape[a], begin[a], size[a]];
    const j = dims.length - 1;
    if (j >= 0 && (s === 1 || (begins[j] === 0 && sizes[j] === dims[j]))) {
      // Merge axis a (outer) into the current outermost merged axis j (inner).
      const inner = dims[j];
      begins[j] = b * inner + begins[j];
      sizes[j] = s === 1 ? sizes[j] : s * inner;
      dims[j] = d * inner;
    } else {
      dims.push(d);
      begins.push(b);
      sizes.push(s);
    }
  }
  return { dims: dims.reverse(), begins: begins.reverse(), sizes: sizes.reverse() };
}

/** Copies the slice of x (row-major, `dims`) into out; the last merged axis is the contiguous run. */
function copySlice(x: Heap, out: Heap, dims: number[], begins: number[], sizes: number[]): void {
  const rank = dims.length;
  const run = sizes[rank - 1];
  const strides = new Array<number>(rank);
  strides[rank - 1] = 1;
  for (let a = rank - 2; a >= 0; a--) strides[a] = strides[a + 1] * dims[a + 1];
  let base = 0;
  for (let a = 0; a < rank; a++) base += begins[a] * strides[a];
  if (rank === 1) {
    out.set(x.subarray(base, base + run));
    return;
  }
  // Odometer over the outer axes; `src` tracks the flat offset of the current run.
  const idx = new Array<number>(rank - 1).fill(0);
  const total = out.length;
  let src = base;
  for (let dst = 0; dst < total; dst += run) {
    copyRun(x, src, out, dst, run);
    let a = rank - 2;
    src += strides[a];
    while (a > 0 && ++idx[a] === sizes[a]) {
      idx[a] = 0;
      src += strides[a - 1] - sizes[a] * strides[a];
      a--;
    }
  }
}

function sliceImpl(builtin: KernelFunc, x: TensorInfo, begin: number | number[], size: number | number[] | undefined, backend: WasmBackendLike): TensorInfo {
  if (x.dtype === 'string') return builtin({ inputs: { x }, backend: backend as never, attrs: { begin, size } as unknown as NamedAttrMap }) as TensorInfo;
  const [b, s] = slice_util.parseSliceParams(x as tf.TensorInfo as never, begin, size);
  const out = backend.makeOutput(s, x.dtype);
  if (util.sizeFromShape(s) === 0) return out;
  // Views after makeOutput: allocating may grow the wasm heap and detach earlier views.
  const xv = backend.typedArrayFromHeap(x);
  const ov = backend.typedArrayFromHeap(out);
  const m = mergeSliceAxes(x.shape, b, s);
  copySlice(xv, ov, m.dims, m.begins, m.sizes);
  return out;
}

/** Kernel functions that replace the built-ins; `builtins` are the originals (strings, complex strided slices). */
export function wasmSliceKernels(builtins: {
  slice: KernelFunc;
  stridedSlice: KernelFunc;
  concat: KernelFunc;
}): Record<'Slice' | 'SplitV' | 'Unpack' | 'StridedSlice' | 'Concat', KernelFunc> {
  const slice: KernelFunc = ({ inputs, backend, attrs }) => {
    const { begin, size } = attrs as unknown as { begin: number | number[]; size?: number | number[] };
    return sliceImpl(builtins.slice, inputs.x as TensorInfo, begin, size, backend as unknown as WasmBackendLike);
  };
  const splitV: KernelFunc = ({ inputs, backend, attrs }) => {
    const x = inputs.x as TensorInfo;
    const { numOrSizeSplits, axis } = attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
    const ax = util.parseAxisParam(axis, x.shape)[0];
    const splits = tf.backend_util.prepareSplitSize(x as never, numOrSizeSplits, ax);
    const begin = new Array<number>(x.shape.length).fill(0);
    return splits.map((n) => {
      const size = x.shape.slice();
      size[ax] = n;
      const part = sliceImpl(builtins.slice, x, begin.slice(), size, backend as unknown as WasmBackendLike);
      begin[ax] += n;
      return part;
    });
  };
  const unpack: KernelFunc = ({ inputs, backend, attrs }) => {
    const x = inputs.value as TensorInfo;
    const rank = x.shape.length;
    const ax = ((attrs as unknown as { axis: number }).axis + rank) % rank;
    const outShape = x.shape.filter((_, i) => i !== ax);
    const size = x.shape.slice();
    size[ax] = 1;
    return Array.from({ length: x.shape[ax] }, (_, i) => {
      const begin = new Array<number>(rank).fill(0);
      begin[ax] = i;
      const part = sliceImpl(builtins.slice, x, begin, size, backend as unknown as WasmBackendLike);
      return { dataId: part.dataId, dtype: part.dtype, shape: outShape };
    });
  };
  const stridedSlice: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    const a = args.attrs as unknown as {
      begin: number[];
      end: number[];
      strides: number[];
      beginMask: number;
      endMask: number;
      ellipsisMask: number;
      newAxisMask: number;
      shrinkAxisMask: number;
    };
    const info = slice_util.sliceInfo(x.shape, a.begin, a.end, a.strides, a.beginMask, a.endMask, a.ellipsisMask, a.newAxisMask, a.shrinkAxisMask);
    // Only the plain-slice path is the built-in's per-row copy; identity and strided ones run in C++.
    if (info.isIdentity || !(info.sliceDim0 || info.isSimpleSlice) || x.dtype === 'string') return builtins.stridedSlice(args);
    const b = args.backend as unknown as WasmBackendLike;
    const part = sliceImpl(builtins.slice, x, info.begin, slice_util.computeOutShape(info.begin, info.end, info.strides), b);
    return { dataId: part.dataId, dtype: part.dtype, shape: info.finalShape };
  };
  // The same per-row copies as the built-in, but short rows by a loop: concatenating [8, 4096, 4, 4] tensors on
  // the last axis is 262,144 rows of 4 floats.
  const concat: KernelFunc = (args) => {
    const inputs = (args.inputs as unknown as TensorInfo[]).filter((t) => util.sizeFromShape(t.shape) > 0);
    if (inputs.length < 2 || inputs[0].dtype === 'string') return builtins.concat(args);
    const all = args.inputs as unknown as TensorInfo[];
    const axis = util.parseAxisParam((args.attrs as unknown as { axis: number }).axis, all[0].shape)[0];
    const b = args.backend as unknown as WasmBackendLike;
    const out = b.makeOutput(tf.backend_util.computeOutShape(all.map((t) => t.shape), axis), inputs[0].dtype);
    const rows = util.sizeFromShape(inputs[0].shape.slice(0, axis));
    const inner = inputs.map((t) => util.sizeFromShape(t.shape.slice(axis)));
    const total = inner.reduce((a, c) => a + c, 0);
    const ov = b.typedArrayFromHeap(out);
    inputs.forEach((t, i) => {
      const v = b.typedArrayFromHeap(t);
      const len = inner[i];
      const col = inner.slice(0, i).reduce((a, c) => a + c, 0);
      if (rows === 1) ov.set(v, col);
      else for (let r = 0; r < rows; r++) copyRun(v, r * len, ov, r * total + col, len);
    });
    return out;
  };
  return { Slice: slice, SplitV: splitV, Unpack: unpack, StridedSlice: stridedSlice, Concat: concat };
}
