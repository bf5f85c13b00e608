/**
 * WebGPU in Node: the `webgpu` package (Dawn) on Mesa lavapipe. tfjs-backend-webgpu registers itself only
 * when navigator.gpu exists at import time, so the GPU is installed before the dynamic import.
 */
import * as tf from '@tensorflow/tfjs-core';

let gpu: GPU | null = null;

export async function installNodeWebGPU(): Promise<GPU> {
  if (gpu) return gpu;
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  gpu = create([]) as unknown as GPU;
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    throw new Error(
      'WebGPU in Node found no adapter: Mesa lavapipe ≥ 25 (bookworm-backports mesa-vulkan-drivers) is required — run tests/setup-system.sh',
    );
  }
  return gpu;
}

/** The Node adapter's vendor, architecture, device and description, for benchmark output. */
export async function adapterDescription(): Promise<string> {
  const info = (await (await installNodeWebGPU()).requestAdapter())!.info;
  return [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' / ');
}

export async function useWebGPUBackend(): Promise<void> {
  await installNodeWebGPU();
  await import('@tensorflow/tfjs-backend-webgpu');
  const { registerTriplaneWebgpuKernels } = await import('../../src/model/kernels/triplaneWebgpu');
  registerTriplaneWebgpuKernels();
  const ok = await tf.setBackend('webgpu');
  if (!ok) throw new Error('tfjs webgpu backend failed to initialise on the Node WebGPU adapter');
  await tf.ready();
}
