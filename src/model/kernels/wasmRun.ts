/** The slice of the tfjs-wasm backend our kernels use, and a call of another registered wasm kernel. */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array;
  disposeData(id: object): boolean;
}

export function runWasm(name: string, backend: WasmBackendLike, inputs: Record<string, TensorInfo>, attrs: object): TensorInfo {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`wasm kernel ${name} is missing`);
  return k.kernelFunc({ inputs, backend: backend as never, attrs: attrs as NamedAttrMap }) as TensorInfo;
}
