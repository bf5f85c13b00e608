/**
 * Inputs of the WGSL renderer that come from elsewhere: tfjs tensors handed over as GPU buffers, and injected
 * per-pixel sample depths (to reproduce a given stochastic render exactly).
 */
import * as tf from '@tensorflow/tfjs-core';
import { storageBuffer } from './gpu';

export type GPUData = { buffer: GPUBuffer; tensorRef: tf.Tensor };

/**
 * tensor.dataToGPU() for any tensor: one that still lives on the CPU (made from an array and never used by
 * a GPU op) is first copied through a GPU op.
 */
export function toGPU(t: tf.Tensor): GPUData {
  const staged = tf.tidy(() => tf.mul(t, 1));
  const d = staged.dataToGPU() as GPUData;
  staged.dispose();
  return d;
}

/** Packs injected depths per pixel as [S coarse, K fine sorted] (the shader merges two sorted lists). */
export function uploadInjectedDepths(device: GPUDevice, inj: { coarseZ: Float32Array; fineZ: Float32Array }, pixels: number, S: number, K: number): GPUBuffer {
  if (inj.coarseZ.length !== pixels * S || inj.fineZ.length !== pixels * K)
    throw new Error(`injected depths must be [${pixels}·${S}] and [${pixels}·${K}], got ${inj.coarseZ.length} and ${inj.fineZ.length}`);
  const packed = new Float32Array(pixels * (S + K));
  for (let p = 0; p < pixels; p++) {
    packed.set(inj.coarseZ.subarray(p * S, (p + 1) * S), p * (S + K));
    packed.set(inj.fineZ.slice(p * K, (p + 1) * K).sort(), p * (S + K) + S);
  }
  const buf = storageBuffer(device, 'raymarch injected depths', Math.max(16, packed.byteLength));
  device.queue.writeBuffer(buf, 0, packed);
  return buf;
}
