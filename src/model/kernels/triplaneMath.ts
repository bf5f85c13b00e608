/**
 * The fused tri-plane lookup as plain loops over typed arrays: the cpu and wasm kernels of
 * `EpigrafSampleTriplane` and its gradient both run these (only how they reach tensor memory differs).
 *
 * Layout: planes [N, R, R, 3·C] (NHWC, channel = plane·C + c), points [N, P, 3] in world units, features
 * [N, P, C]. Conventions are the official ones (see ../triplane.ts): coordinates are points / cubeScale,
 * plane k is indexed by the world axes PLANE_AXES[k] (first along the width), align_corners = True, zeros
 * outside, mean over the three planes.
 */
export interface TriplaneShape {
  n: number;
  r: number;
  c: number;
  p: number;
  /** 1 / cubeScale. */
  invScale: number;
}

export const PLANE_AXES: readonly (readonly [number, number])[] = [
  [0, 1],
  [0, 2],
  [1, 2],
];

const TAPS = [
  [0, 0],
  [1, 0],
  [0, 1],
  [1, 1],
] as const;

export function triplaneForward(s: TriplaneShape, planes: Float32Array, points: Float32Array, out: Float32Array): void {
  const { n, r, c, p, invScale } = s;
  const half = (r - 1) / 2;
  const c3 = 3 * c;
  out.fill(0);
  for (let b = 0; b < n; b++) {
    for (let q = 0; q < p; q++) {
      const pi = (b * p + q) * 3;
      const o = (b * p + q) * c;
      for (let k = 0; k < 3; k++) {
        const [ax, ay] = PLANE_AXES[k];
        const px = (points[pi + ax] * invScale + 1) * half;
        const py = (points[pi + ay] * invScale + 1) * half;
        const x0 = Math.floor(px);
        const y0 = Math.floor(py);
        const fx = px - x0;
        const fy = py - y0;
        for (const [dx, dy] of TAPS) {
          const xi = x0 + dx;
          const yi = y0 + dy;
          if (xi < 0 || xi > r - 1 || yi < 0 || yi > r - 1) continue;
          const w = (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy);
          const base = ((b * r + yi) * r + xi) * c3 + k * c;
          for (let ch = 0; ch < c; ch++) out[o + ch] += w * planes[base + ch];
        }
      }
      for (let ch = 0; ch < c; ch++) out[o + ch] /= 3;
    }
  }
}

/**
 * Exact gradient of `triplaneForward` (piecewise bilinear: floor contributes nothing, taps outside the
 * plane have zero weight and zero derivative). dPlanes and dPoints are overwritten.
 */
export function triplaneBackward(
  s: TriplaneShape,
  dy: Float32Array,
  planes: Float32Array,
  points: Float32Array,
  dPlanes: Float32Array,
  dPoints: Float32Array,
): void {
  const { n, r, c, p, invScale } = s;
  const half = (r - 1) / 2;
  const c3 = 3 * c;
  dPlanes.fill(0);
  dPoints.fill(0);
  for (let b = 0; b < n; b++) {
    for (let q = 0; q < p; q++) {
      const pi = (b * p + q) * 3;
      const o = (b * p + q) * c;
      for (let k = 0; k < 3; k++) {
        const [ax, ay] = PLANE_AXES[k];
        const px = (points[pi + ax] * invScale + 1) * half;
        const py = (points[pi + ay] * invScale + 1) * half;
        const x0 = Math.floor(px);
        const y0 = Math.floor(py);
        const fx = px - x0;
        const fy = py - y0;
        let gx = 0;
        let gy = 0;
        for (const [dx, dyTap] of TAPS) {
          const xi = x0 + dx;
          const yi = y0 + dyTap;
          if (xi < 0 || xi > r - 1 || yi < 0 || yi > r - 1) continue;
          const wx = dx ? fx : 1 - fx;
          const wy = dyTap ? fy : 1 - fy;
          const w = (wx * wy) / 3;
          const base = ((b * r + yi) * r + xi) * c3 + k * c;
          let dot = 0;
          for (let ch = 0; ch < c; ch++) {
            const g = dy[o + ch];
            dPlanes[base + ch] += w * g;
            dot += g * planes[base + ch];
          }
          gx += (dx ? 1 : -1) * wy * dot;
          gy += wx * (dyTap ? 1 : -1) * dot;
        }
        const scale = (half * invScale) / 3;
        dPoints[pi + ax] += gx * scale;
        dPoints[pi + ay] += gy * scale;
      }
    }
  }
}
