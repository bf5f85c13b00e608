/**
 * EG3D-format datasets keep each camera in `labels` as 25 numbers: a row-major 4×4 camera-to-world matrix
 * (OpenCV camera axes, world y up) followed by 3×3 normalised intrinsics. EpiGRAF wants yaw/pitch of the
 * camera position instead: pitch measured from +y, yaw = atan2(z, x), exactly the inverse of the official
 * camera-origin formula (both worlds are y-up with the same handedness, so images line up).
 */
import type { Angles, LabelValue } from './datasetJson';

export const EG3D_LABEL_LENGTH = 25;

/**
 * Whether every label is an EG3D camera: 25 numbers whose 4×4 part is a rigid transform (orthonormal rotation,
 * last row 0 0 0 1). The shape alone is not enough: 25-class one-hot labels are 25 numbers too.
 */
export function isEg3dLabels(labels: Map<string, LabelValue> | null): labels is Map<string, number[]> {
  if (!labels || labels.size === 0) return false;
  for (const v of labels.values()) if (!Array.isArray(v) || v.length !== EG3D_LABEL_LENGTH || !isRigid(v)) return false;
  return true;
}

function isRigid(m: number[]): boolean {
  const row = (i: number) => [m[4 * i], m[4 * i + 1], m[4 * i + 2]];
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      const dot = row(i).reduce((a, v, k) => a + v * row(j)[k], 0);
      if (Math.abs(dot - (i === j ? 1 : 0)) > 1e-3) return false;
    }
  return [0, 0, 0, 1].every((v, k) => Math.abs(m[12 + k] - v) <= 1e-6);
}

/** Yaw/pitch of each EG3D camera; null for a camera at the origin (no direction). */
export function eg3dToAngles(label: number[]): Angles | null {
  const x = label[3];
  const y = label[7];
  const z = label[11];
  const r = Math.hypot(x, y, z);
  if (!(r > 1e-9)) return null;
  return [Math.atan2(z, x), Math.acos(Math.min(1, Math.max(-1, y / r))), 0];
}
