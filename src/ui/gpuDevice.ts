/**
 * The tfjs WebGPU backend's device, its loss, and a fresh one. A lost device (driver reset, GPU process
 * crash, tab backgrounded too long on some systems) takes every buffer with it; the viewer then registers
 * the backend anew on a new device and rebuilds what it had.
 */
import * as tf from '@tensorflow/tfjs-core';

export function backendDevice(): GPUDevice {
  return (tf.backend() as unknown as { device: GPUDevice }).device;
}

/** Calls `onLost` once if the current device is lost for any reason other than our own replacement. */
export function watchDeviceLoss(onLost: (reason: string) => void): void {
  const device = backendDevice();
  void device.lost.then((info) => {
    if (!replaced.has(device)) onLost(info.message || info.reason || 'unknown reason');
  });
}

const replaced = new WeakSet<GPUDevice>();

/** Replaces the 'webgpu' backend with one on a newly requested device (same limits as tfjs asks for). */
export async function freshWebGPUBackend(): Promise<void> {
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  try {
    replaced.add(backendDevice());
  } catch {
    // no backend yet
  }
  if (tf.findBackend('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend(
    'webgpu',
    async () => {
      const adapter = await navigator.gpu.requestAdapter();
      if (!adapter) throw new Error('no WebGPU adapter after the device was lost');
      const l = adapter.limits;
      const device = await adapter.requestDevice({
        requiredLimits: {
          maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
          maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
          maxBufferSize: l.maxBufferSize,
          maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
        },
      });
      return new WebGPUBackend(device, adapter.info);
    },
    3,
  );
  if (!(await tf.setBackend('webgpu'))) throw new Error('could not recreate the WebGPU backend');
  await tf.ready();
}
