/**
 * The `Frame` uniform buffer (wgsl/frame.wgsl): camera, sizes, sample counts and flags of one frame, written once
 * per frame and bound by both the ray-marching and the background pass, so that they trace the same rays.
 */
import type { ModelConfig } from '../model/config';
import type { Camera, Patch } from './camera';

export const FLAGS = { det: 1, ignoreBg: 2, bgOnly: 4, whiteBack: 8, occupancy: 16, bgModel: 32, inject: 64, interpolate: 128 } as const;

/** Bytes of the WGSL `Frame` uniform struct. */
const FRAME_BYTES = 160;

export interface FrameParams {
  camera: Camera;
  width: number;
  height: number;
  coarse: number;
  fine: number;
  bgSteps: number;
  flags: number;
  frameIndex: number;
  seed: number;
  /** Sub-pixel jitter in pixels, in [−0.5, 0.5]². */
  jitter: [number, number];
  lastDelta: number;
  patch?: Patch;
  /** Weight of this frame in the accumulation buffer (1 = replace). */
  blend: number;
  outsideEmpty: boolean;
  gridRes: number;
  /** The band of rows [start, end) that this dispatch draws. */
  rows: [number, number];
}

export class FrameUniforms {
  readonly buffer: GPUBuffer;
  private readonly data = new ArrayBuffer(FRAME_BYTES);

  constructor(
    private readonly device: GPUDevice,
    private readonly cfg: ModelConfig,
  ) {
    this.buffer = device.createBuffer({ label: 'frame uniforms', size: FRAME_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  write(p: FrameParams): void {
    if (p.bgSteps < 1) throw new Error(`background steps must be ≥ 1 (got ${p.bgSteps})`);
    const f = new Float32Array(this.data);
    const u = new Uint32Array(this.data);
    const R = p.camera.rotation;
    f.set([R[0], R[1], R[2], Math.tan((p.camera.fovDeg / 360) * Math.PI)], 0);
    f.set([R[3], R[4], R[5], this.cfg.camera.near], 4);
    f.set([R[6], R[7], R[8], this.cfg.camera.far], 8);
    f.set([...p.camera.origin, this.cfg.densityShift], 12);
    u.set([p.width, p.height, p.coarse, p.fine, p.bgSteps, p.flags, p.frameIndex >>> 0, p.seed >>> 0], 16);
    f.set([p.jitter[0], p.jitter[1], p.lastDelta, this.cfg.background.start], 24);
    const patch = p.patch ?? { scale: 1, offsetX: 0, offsetY: 0 };
    f.set([patch.scale, patch.offsetX, patch.offsetY, 0], 28);
    f[32] = p.blend;
    u[33] = p.outsideEmpty ? 1 : 0;
    u[34] = p.gridRes;
    u.set(p.rows, 36);
    this.device.queue.writeBuffer(this.buffer, 0, this.data);
  }

  destroy(): void {
    this.buffer.destroy();
  }
}
