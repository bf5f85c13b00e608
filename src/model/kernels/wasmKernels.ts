/**
 * Kernels tfjs-backend-wasm 4.22 lacks or runs slowly, which training needs:
 * - `Conv2DBackpropFilter` (every conv weight gradient), computed as one dilated Conv2D of the input by the
 *   output gradient with batch and channels swapped, so it runs in XNNPACK rather than in JavaScript (1×1
 *   filters as one matmul);
 * - `Conv2DBackpropInput` (every conv input gradient, and conv2dTranspose): the built-in one is a plain loop
 *   ~25× slower than Conv2D at the same size; here one XNNPACK conv of dy by the flipped, transposed filter
 *   per output phase of the stride (wasmConvTranspose.ts);
 * - `UnsortedSegmentSum` (the gradient of gather), as a typed-array loop;
 * - `Slice`, `SplitV`, `Unpack`, `StridedSlice`, `Concat`: fewer, longer copies (wasmSlice.ts);
 * - `Identity`: shares the buffer instead of copying it;
 * - `GatherV2` (batchDims 0) and `Sum` (adjacent reduced axes): row copies and sums without the built-ins'
 *   per-element strides or transposes (wasmReduceGather.ts).
 * Intermediates are released with the backend's disposeData (an earlier stand-in leaked ~30 MB per step).
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { wasmSliceKernels } from './wasmSlice';
import { wasmGatherV2, wasmSum } from './wasmReduceGather';
import { phasedBackpropInput } from './wasmConvTranspose';
import { runWasm, type WasmBackendLike } from './wasmRun';

/**
 * dW of a 1×1, stride-1, unpadded conv (the dense layers over many rows): xᵀ·dy over rows = N·H·W, as one
 * transpose and one matmul with the rows as the reduction; the dilated-conv route below runs it as a conv
 * with a filter as wide as the rows, 1.3–2× slower on fresh tensors. (Transposing dy instead, when CO < CI,
 * measured no faster: XNNPACK then packs the larger x as the matmul's weights.)
 */
function pointwiseFilterGrad(b: WasmBackendLike, x: TensorInfo, dy: TensorInfo): TensorInfo {
  const [ci, co] = [x.shape[3], dy.shape[3]];
  const rows = x.shape[0] * x.shape[1] * x.shape[2];
  // Reshapes are views on the same dataId: kernels only read them, so they need no reference of their own.
  const xt = runWasm('Transpose', b, { x: { ...x, shape: [rows, ci] } }, { perm: [1, 0] });
  const prod = runWasm('BatchMatMul', b, { a: { ...xt, shape: [1, ci, rows] }, b: { ...dy, shape: [1, rows, co] } }, { transposeA: false, transposeB: false });
  b.disposeData(xt.dataId);
  return { ...prod, shape: [1, 1, ci, co] };
}

const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as unknown as WasmBackendLike;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
    strides: number | [number, number];
    pad: backend_util.ExplicitPadding | 'same' | 'valid' | number;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): NHWC only');
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  const { top, left } = info.padInfo;
  if (kh === 1 && kw === 1 && info.strideHeight === 1 && info.strideWidth === 1 && top === 0 && left === 0 && info.outHeight === info.inHeight && info.outWidth === info.inWidth)
    return pointwiseFilterGrad(b, x, dy);
  // dW[i, j, ci, co] = Σ_{b, oh, ow} x[b, oh·sh + i − top, ow·sw + j − left, ci] · dy[b, oh, ow, co]:
  // a conv of x viewed as [CI, H, W, B] by dy viewed as [OH, OW, B, CO], dilated by the forward stride.
  const bottom = Math.max(0, kh - 1 + (info.outHeight - 1) * info.strideHeight + 1 - info.inHeight - top);
  const right = Math.max(0, kw - 1 + (info.outWidth - 1) * info.strideWidth + 1 - info.inWidth - left);
  const xt = runWasm('Transpose', b, { x }, { perm: [3, 1, 2, 0] });
  const dyt = runWasm('Transpose', b, { x: dy }, { perm: [1, 2, 0, 3] });
  const conv = runWasm('Conv2D', b, { x: xt, filter: dyt }, {
    strides: 1,
    pad: [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ],
    dataFormat: 'NHWC',
    dilations: [info.strideHeight, info.strideWidth],
  });
  b.disposeData(xt.dataId);
  b.disposeData(dyt.dataId);
  let cropped = conv;
  if (conv.shape[1] !== kh || conv.shape[2] !== kw) {
    cropped = runWasm('Slice', b, { x: conv }, { begin: [0, 0, 0, 0], size: [-1, kh, kw, -1] });
    b.disposeData(conv.dataId);
  }
  const out = runWasm('Transpose', b, { x: cropped }, { perm: [1, 2, 0, 3] });
  b.disposeData(cropped.dataId);
  return out;
};

const conv2DBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as unknown as WasmBackendLike;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as {
    strides: number | [number, number];
    pad: backend_util.ExplicitPadding | 'same' | 'valid' | number;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    inputShape: [number, number, number, number];
  };
  if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropInput (wasm): NHWC only');
  const fshape = filter.shape as [number, number, number, number];
  const info = backend_util.computeConv2DInfo(inputShape, fshape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  return phasedBackpropInput(b, dy, filter, inputShape, [info.strideHeight, info.strideWidth], [info.padInfo.top, info.padInfo.left]);
};

const unsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as unknown as WasmBackendLike;
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as unknown as { numSegments: number };
  if (x.dtype !== 'float32') throw new Error('UnsortedSegmentSum (wasm): float32 only');
  const rows = segmentIds.shape.reduce((a, c) => a * c, 1);
  const inner = x.shape.slice(segmentIds.shape.length).reduce((a, c) => a * c, 1);
  const out = b.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], 'float32');
  const o = b.typedArrayFromHeap(out) as Float32Array;
  const xs = b.typedArrayFromHeap(x) as Float32Array;
  const ids = b.typedArrayFromHeap(segmentIds);
  o.fill(0);
  for (let r = 0; r < rows; r++) {
    const s = ids[r];
    if (s < 0 || s >= numSegments) continue;
    const src = r * inner;
    const dst = s * inner;
    for (let i = 0; i < inner; i++) o[dst + i] += xs[src + i];
  }
  return out;
};

/**
 * Identity as a shared reference, as the cpu and webgl backends do: the engine clones every tensor it saves for
 * the backward pass (~3,900 clones per training step), and the built-in wasm Identity copies each one. Tensors
 * are immutable and the wasm backend counts references per dataId (Reshape already shares), so sharing is safe.
 */
const identity: KernelFunc = ({ inputs, backend }) => {
  const x = inputs.x as TensorInfo;
  (backend as unknown as { incRef(id: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

let registered = false;

/** Registers the kernels above for 'wasm' (idempotent); called by the Node set-up of the wasm backend. */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilter });
  // Replaces the built-in (slow) kernel: call after '@tensorflow/tfjs-backend-wasm' has been imported, or its
  // own registration would win.
  if (tf.getKernel('Conv2DBackpropInput', 'wasm')) tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({ kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: conv2DBackpropInput });
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSum });
  const builtin = (name: string) => {
    const k = tf.getKernel(name, 'wasm');
    if (!k) throw new Error(`wasm kernel ${name} is missing: import '@tensorflow/tfjs-backend-wasm' first`);
    return k;
  };
  const originalIdentity = builtin('Identity');
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ ...originalIdentity, kernelFunc: (args) => (args.inputs.x?.dtype === 'string' ? originalIdentity.kernelFunc(args) : identity(args)) });
  const names = ['Slice', 'SplitV', 'Unpack', 'StridedSlice', 'Concat'] as const;
  const originals = Object.fromEntries(names.map((name) => [name, builtin(name)])) as Record<(typeof names)[number], tf.KernelConfig>;
  const faster = wasmSliceKernels({ slice: originals.Slice.kernelFunc, stridedSlice: originals.StridedSlice.kernelFunc, concat: originals.Concat.kernelFunc });
  for (const name of names) {
    tf.unregisterKernel(name, 'wasm');
    // Keeps the built-in's setupFunc: the strided path of StridedSlice still calls its C++ function.
    tf.registerKernel({ ...originals[name], kernelFunc: faster[name] });
  }
  // The built-ins stay as fallbacks (and keep their setupFunc, which binds the C++ function they call).
  for (const [name, make] of [['GatherV2', wasmGatherV2], ['Sum', wasmSum]] as const) {
    const original = builtin(name);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: make(original.kernelFunc) });
  }
}
