/**
 * Camera paths for videos, as functions of t ∈ [0, 1): a full 360° turn around the vertical axis, EpiGRAF's
 * `front_circle` (yaw 0.3·sin 2πt, pitch π/2 + 0.2·cos 2πt, fov + sin 2πt), a loop over both poles, and a
 * still camera for latent-interpolation videos. Orientations are quaternions so the pole loop is continuous.
 */
import { Quaternion, Vector3 } from 'three';
import { quaternionFromAngles } from './camera';

export type CameraPathName = 'turn' | 'front_circle' | 'poles' | 'interpolation';
export const CAMERA_PATHS: CameraPathName[] = ['turn', 'front_circle', 'poles', 'interpolation'];

export interface PathPoint {
  q: Quaternion;
  fovDeg: number;
  /** Latent interpolation amount (interpolation path only). */
  latentT?: number;
}

/** `start` is the viewer's current orientation (turn, poles and interpolation start from it). */
export function cameraPath(name: CameraPathName, t: number, start: Quaternion, fovDeg: number): PathPoint {
  const a = 2 * Math.PI * t;
  switch (name) {
    case 'turn':
      return { q: new Quaternion().setFromAxisAngle(new Vector3(0, 1, 0), a).multiply(start), fovDeg };
    case 'front_circle':
      return { q: quaternionFromAngles(0.3 * Math.sin(a), Math.PI / 2 + 0.2 * Math.cos(a)), fovDeg: fovDeg + Math.sin(a) };
    case 'poles':
      // About the camera's own right axis: up over the north pole, down the far side, under the south pole.
      return { q: start.clone().multiply(new Quaternion().setFromAxisAngle(new Vector3(1, 0, 0), -a)), fovDeg };
    case 'interpolation':
      return { q: start.clone(), fovDeg, latentT: 0.5 - 0.5 * Math.cos(a) };
  }
}
