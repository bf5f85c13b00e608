/**
 * The slice of the tfjs-wasm backend our kernels use, a call of another registered wasm kernel, and the
 * run copy the typed-array kernels share.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

/** A view of a tensor's memory in the wasm heap (float32, int32, bool). */
export type Heap = Float32Array | Int32Array | Uint8Array;

export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Heap;
  disposeData(id: object): boolean;
  incRef(id: object): void;
}

/** Below this run length a loop beats creating a subarray view for `set`. */
const SHORT_RUN = 32;

/** Copies `len` elements; short runs by a loop, which is cheaper than creating a subarray view for `set`. */
export function copyRun(from: Heap, src: number, to: Heap, dst: number, len: number): void {
  if (len >= SHORT_RUN) to.set(from.subarray(src, src + len), dst);
  else for (let i = 0; i < len; i++) to[dst + i] = from[src + i];
}

export function runWasm(name: string, backend: WasmBackendLike, inputs: Record<string, TensorInfo>, attrs: object): TensorInfo {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`wasm kernel ${name} is missing`);
  return k.kernelFunc({ inputs, backend: backend as never, attrs: attrs as NamedAttrMap }) as TensorInfo;
}
