/**
 * Cameras and rays, shared by the tfjs reference renderer and the WGSL renderer.
 *
 * Official conventions: yaw θ, pitch φ measured from +y (π/2 = equator), origin r·(sinφ cosθ, cosφ, sinφ sinθ),
 * looking at the origin with world up +y; the camera looks along its −z (OpenGL style) and the
 * camera-to-world rotation has columns (right, up, back) = (−left, up, −forward). A camera can also be given
 * by any rotation (quaternion), which lets the viewer orbit through the poles.
 */
import { Matrix3, Matrix4, Quaternion, Vector3 } from 'three';

export interface Camera {
  /** Camera-to-world rotation, column-major 3×3: columns are the camera's right, up and back axes. */
  rotation: Float64Array;
  /** Camera centre in world units. */
  origin: [number, number, number];
  /** Full vertical (and horizontal: images are square) field of view in degrees. */
  fovDeg: number;
}

/** A square sub-window of the image: side `scale` ∈ (0, 1], offsets ∈ [0, 1 − scale] (fractions of the image). */
export interface Patch {
  scale: number;
  offsetX: number;
  offsetY: number;
}

export const PITCH_EPS = 1e-5;

/** The official yaw/pitch camera (pitch clamped to [1e-5, π − 1e-5], roll ignored). */
export function cameraFromAngles(yaw: number, pitch: number, radius: number, fovDeg: number): Camera {
  const phi = Math.min(Math.max(pitch, PITCH_EPS), Math.PI - PITCH_EPS);
  const origin = new Vector3(radius * Math.sin(phi) * Math.cos(yaw), radius * Math.cos(phi), radius * Math.sin(phi) * Math.sin(yaw));
  const forward = origin.clone().negate().normalize();
  const left = new Vector3(0, 1, 0).cross(forward).normalize();
  const up = forward.clone().cross(left).normalize();
  const right = left.clone().negate();
  const back = forward.clone().negate();
  const m = new Matrix3().set(right.x, up.x, back.x, right.y, up.y, back.y, right.z, up.z, back.z);
  return { rotation: Float64Array.from(m.elements), origin: [origin.x, origin.y, origin.z], fovDeg };
}

/** A camera on the sphere of `radius`, oriented by `q`, looking at the origin: origin = q·(0, 0, radius). */
export function cameraFromQuaternion(q: Quaternion, radius: number, fovDeg: number): Camera {
  const m4 = new Matrix4().makeRotationFromQuaternion(q);
  const m = new Matrix3().setFromMatrix4(m4);
  const origin = new Vector3(0, 0, radius).applyQuaternion(q);
  return { rotation: Float64Array.from(m.elements), origin: [origin.x, origin.y, origin.z], fovDeg };
}

/** The quaternion of the official camera at (yaw, pitch): cameraFromQuaternion of it equals cameraFromAngles. */
export function quaternionFromAngles(yaw: number, pitch: number): Quaternion {
  const cam = cameraFromAngles(yaw, pitch, 1, 1);
  const m = new Matrix4().setFromMatrix3(new Matrix3().fromArray(cam.rotation));
  return new Quaternion().setFromRotationMatrix(m);
}

/** Official yaw/pitch of a camera position (inverse of cameraFromAngles' origin formula). */
export function anglesOfCamera(cam: Camera): { yaw: number; pitch: number } {
  const [x, y, z] = cam.origin;
  const r = Math.hypot(x, y, z);
  return { yaw: Math.atan2(z, x), pitch: Math.acos(Math.min(1, Math.max(-1, y / r))) };
}

/**
 * Unit ray directions in world space for an H×W grid (row-major, top row first), optionally restricted to a
 * patch: NDC x ∈ linspace(−1, 1, W), y ∈ linspace(1, −1, H); x′ = (x + 1)·s − 1 + 2·δx (same for y);
 * direction = normalize(x′, y′, −1/tan(fov/2)) rotated to world.
 */
export function rayDirections(cam: Camera, width: number, height: number, patch?: Patch): Float32Array {
  const out = new Float32Array(width * height * 3);
  const zc = -1 / Math.tan(((cam.fovDeg / 360) * 2 * Math.PI) / 2);
  const R = cam.rotation;
  const lin = (i: number, n: number, a: number, b: number) => (n === 1 ? a : a + ((b - a) * i) / (n - 1));
  for (let row = 0; row < height; row++) {
    let y = lin(row, height, 1, -1);
    if (patch) y = (y + 1) * patch.scale - 1 + 2 * patch.offsetY;
    for (let col = 0; col < width; col++) {
      let x = lin(col, width, -1, 1);
      if (patch) x = (x + 1) * patch.scale - 1 + 2 * patch.offsetX;
      const inv = 1 / Math.hypot(x, y, zc);
      const dx = x * inv;
      const dy = y * inv;
      const dz = zc * inv;
      const o = (row * width + col) * 3;
      out[o] = R[0] * dx + R[3] * dy + R[6] * dz;
      out[o + 1] = R[1] * dx + R[4] * dy + R[7] * dz;
      out[o + 2] = R[2] * dx + R[5] * dy + R[8] * dz;
    }
  }
  return out;
}

/** `linspace(start, end, n)` as the depths of coarse samples (before jitter). */
export function linspace(start: number, end: number, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = n === 1 ? start : start + ((end - start) * i) / (n - 1);
  return out;
}

/**
 * NeRF++ inverse-sphere coordinates of background samples (official `depth2pts_outside`). For each ray
 * (origin o inside the unit sphere, unit direction d) and inverse depth q ∈ [0, 1]: the exit point on the
 * unit sphere is rotated towards the ray's direction at infinity by asin|p_mid| − asin(|p_mid|·q).
 * Returns [rays × steps × 4] = (x′, y′, z′, q) with (x′, y′, z′) on the unit sphere.
 */
export function inverseSpherePoints(origin: readonly number[], dirs: Float32Array, disparities: Float32Array): Float32Array {
  const nRays = dirs.length / 3;
  const steps = disparities.length;
  const out = new Float32Array(nRays * steps * 4);
  const [ox, oy, oz] = origin;
  for (let r = 0; r < nRays; r++) {
    const dx = dirs[3 * r];
    const dy = dirs[3 * r + 1];
    const dz = dirs[3 * r + 2];
    const dd = dx * dx + dy * dy + dz * dz;
    const d1 = -(dx * ox + dy * oy + dz * oz) / dd;
    const mx = ox + d1 * dx;
    const my = oy + d1 * dy;
    const mz = oz + d1 * dz;
    // Clamp: a camera outside the unit sphere has no exit point; keep the math finite instead of NaN.
    const pm = Math.min(Math.hypot(mx, my, mz), 1);
    const d2 = Math.sqrt(1 - pm * pm) / Math.sqrt(dd);
    const sx = ox + (d1 + d2) * dx;
    const sy = oy + (d1 + d2) * dy;
    const sz = oz + (d1 + d2) * dz;
    // rotation axis = normalize(o × p_sphere)
    let ax = oy * sz - oz * sy;
    let ay = oz * sx - ox * sz;
    let az = ox * sy - oy * sx;
    const an = Math.hypot(ax, ay, az);
    const degenerate = an < 1e-12;
    if (!degenerate) {
      ax /= an;
      ay /= an;
      az /= an;
    }
    const phi = Math.asin(pm);
    for (let s = 0; s < steps; s++) {
      const q = disparities[s];
      const theta = Math.asin(pm * q);
      const ang = phi - theta;
      const c = Math.cos(ang);
      const sn = Math.sin(ang);
      let px = sx;
      let py = sy;
      let pz = sz;
      if (!degenerate) {
        const dot = ax * sx + ay * sy + az * sz;
        // Rodrigues: p cosα + (k × p) sinα + k (k·p)(1 − cosα)
        px = sx * c + (ay * sz - az * sy) * sn + ax * dot * (1 - c);
        py = sy * c + (az * sx - ax * sz) * sn + ay * dot * (1 - c);
        pz = sz * c + (ax * sy - ay * sx) * sn + az * dot * (1 - c);
      }
      const pn = Math.hypot(px, py, pz);
      const o = (r * steps + s) * 4;
      out[o] = px / pn;
      out[o + 1] = py / pn;
      out[o + 2] = pz / pn;
      out[o + 3] = q;
    }
  }
  return out;
}
