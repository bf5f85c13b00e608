/** tfjs on WebGPU inside a module worker (the training and the Figure 9 workers), with the fused kernels. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { registerTriplaneWebgpuKernels } from '../../model/kernels/triplaneWebgpu';

export async function initWorkerBackend(): Promise<void> {
  if (tf.getBackend() === 'webgpu') return;
  if (!('gpu' in navigator) || !navigator.gpu) throw new Error('WebGPU is not available to workers in this browser (navigator.gpu is missing)');
  registerTriplaneWebgpuKernels(); // the fused tri-plane lookup instead of 12 gathers per call
  if (!(await tf.setBackend('webgpu'))) throw new Error('the tfjs WebGPU backend failed to initialise in the worker');
  await tf.ready();
  // Keep every op on the GPU: small tensors would otherwise bounce to a CPU path and back.
  tf.env().set('WEBGPU_CPU_FORWARD', false);
}
