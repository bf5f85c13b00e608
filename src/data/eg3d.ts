/**
 * EG3D-format datasets keep each camera in `labels` as 25 numbers: a row-major 4×4 camera-to-world matrix
 * (OpenCV camera axes, world y up) followed by 3×3 normalised intrinsics. EpiGRAF wants yaw/pitch of the
 * camera position instead: pitch measured from +y, yaw = atan2(z, x), exactly the inverse of the official
 * camera-origin formula (both worlds are y-up with the same handedness, so images line up).
 */
import type { Angles, LabelValue } from './datasetJson';

export const EG3D_LABEL_LENGTH = 25;

export function isEg3dLabels(labels: Map<string, LabelValue> | null): labels is Map<string, number[]> {
  if (!labels || labels.size === 0) return false;
  for (const v of labels.values()) if (!Array.isArray(v) || v.length !== EG3D_LABEL_LENGTH) return false;
  return true;
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
