/** Small WebGPU helpers shared by the passes: checked shader modules, labelled buffers, readback. */

export class ShaderCompileError extends Error {
  constructor(
    readonly label: string,
    readonly messages: string[],
  ) {
    super(`WGSL module "${label}" did not compile cleanly:\n${messages.join('\n')}`);
    this.name = 'ShaderCompileError';
  }
}

/** Compiles WGSL and fails on any error or warning reported by getCompilationInfo (Tint/Naga). */
export async function checkedShaderModule(device: GPUDevice, label: string, code: string): Promise<GPUShaderModule> {
  const module = device.createShaderModule({ label, code });
  const info = await module.getCompilationInfo();
  const msgs = info.messages
    .filter((m) => m.type === 'error' || m.type === 'warning')
    .map((m) => `${m.type} ${label}:${m.lineNum}:${m.linePos}: ${m.message}\n    ${code.split('\n')[m.lineNum - 1] ?? ''}`);
  if (msgs.length) throw new ShaderCompileError(label, msgs);
  return module;
}

export function storageBuffer(device: GPUDevice, label: string, bytes: number, extraUsage = 0): GPUBuffer {
  return device.createBuffer({ label, size: Math.max(16, Math.ceil(bytes / 16) * 16), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | extraUsage });
}

/** A new storage buffer (with `extraUsage`) holding a copy of a binding's bytes, copied on the GPU. */
export function copiedBuffer(device: GPUDevice, label: string, src: GPUBufferBinding, extraUsage = 0): GPUBuffer {
  const bytes = src.size ?? src.buffer.size - (src.offset ?? 0);
  const dst = storageBuffer(device, label, bytes, extraUsage);
  const enc = device.createCommandEncoder({ label: `${label} copy` });
  enc.copyBufferToBuffer(src.buffer, src.offset ?? 0, dst, 0, bytes);
  device.queue.submit([enc.finish()]);
  return dst;
}

/** Copies a GPU buffer's first `bytes` to the CPU. */
export async function readBuffer(device: GPUDevice, src: GPUBuffer, bytes: number, label = 'readback'): Promise<ArrayBuffer> {
  const staging = device.createBuffer({ label: `${label} staging`, size: Math.ceil(bytes / 4) * 4, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const enc = device.createCommandEncoder({ label: `${label} copy` });
  enc.copyBufferToBuffer(src, 0, staging, 0, staging.size);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = staging.getMappedRange().slice(0, bytes);
  staging.unmap();
  staging.destroy();
  return out;
}

/** Reuses a bind group while the buffers it binds stay the same (they change per latent or size, not per frame). */
export class BindGroupCache {
  private key: unknown[] = [];
  private group: GPUBindGroup | null = null;

  get(key: unknown[], make: () => GPUBindGroup): GPUBindGroup {
    if (!this.group || key.length !== this.key.length || key.some((k, i) => k !== this.key[i])) {
      this.group = make();
      this.key = key;
    }
    return this.group;
  }
}
