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

/**
 * The four bilinear taps of one point on one plane: flat offsets of each tap's channel 0 and the
 * per-axis weights, with `valid*` 0 for taps outside the plane (whose offset is then 0, any readable
 * address: their weight is 0). Written into a reused object so the hot loops allocate nothing.
 */
interface Taps {
  o00: number;
  o10: number;
  o01: number;
  o11: number;
  fx: number;
  fy: number;
  vx0: number;
  vx1: number;
  vy0: number;
  vy1: number;
}

function tapsOf(t: Taps, px: number, py: number, r: number, rowBase: number, c3: number, chOff: number): void {
  const x0 = Math.floor(px);
  const y0 = Math.floor(py);
  t.fx = px - x0;
  t.fy = py - y0;
  // NaN coordinates fail every comparison, so all four taps come out invalid (zeros), as in the plain loop.
  t.vx0 = x0 >= 0 && x0 <= r - 1 ? 1 : 0;
  t.vx1 = x0 >= -1 && x0 <= r - 2 ? 1 : 0;
  t.vy0 = y0 >= 0 && y0 <= r - 1 ? 1 : 0;
  t.vy1 = y0 >= -1 && y0 <= r - 2 ? 1 : 0;
  const row0 = (rowBase + y0) * r;
  const row1 = row0 + r;
  t.o00 = t.vx0 & t.vy0 ? (row0 + x0) * c3 + chOff : 0;
  t.o10 = t.vx1 & t.vy0 ? (row0 + x0 + 1) * c3 + chOff : 0;
  t.o01 = t.vx0 & t.vy1 ? (row1 + x0) * c3 + chOff : 0;
  t.o11 = t.vx1 & t.vy1 ? (row1 + x0 + 1) * c3 + chOff : 0;
}

const weightBuf = [0, 0, 0, 0];
/** Bilinear weights of the taps 00, 10, 01, 11, zero where a tap is outside the plane. */
function weightsOf(t: Taps): number[] {
  const { fx, fy } = t;
  weightBuf[0] = (1 - fx) * (1 - fy) * (t.vx0 & t.vy0);
  weightBuf[1] = fx * (1 - fy) * (t.vx1 & t.vy0);
  weightBuf[2] = (1 - fx) * fy * (t.vx0 & t.vy1);
  weightBuf[3] = fx * fy * (t.vx1 & t.vy1);
  return weightBuf;
}

const newTaps = (): Taps => ({ o00: 0, o10: 0, o01: 0, o11: 0, fx: 0, fy: 0, vx0: 0, vx1: 0, vy0: 0, vy1: 0 });

export function triplaneForward(s: TriplaneShape, planes: Float32Array, points: Float32Array, out: Float32Array): void {
  const { n, r, c, p, invScale } = s;
  const half = (r - 1) / 2;
  const c3 = 3 * c;
  const ta = newTaps();
  const tb = newTaps();
  const tc = newTaps();
  for (let b = 0; b < n; b++) {
    const rowBase = b * r;
    for (let q = 0; q < p; q++) {
      const pi = (b * p + q) * 3;
      const o = (b * p + q) * c;
      const u0 = (points[pi] * invScale + 1) * half;
      const u1 = (points[pi + 1] * invScale + 1) * half;
      const u2 = (points[pi + 2] * invScale + 1) * half;
      // PLANE_AXES: (0, 1), (0, 2), (1, 2).
      tapsOf(ta, u0, u1, r, rowBase, c3, 0);
      tapsOf(tb, u0, u2, r, rowBase, c3, c);
      tapsOf(tc, u1, u2, r, rowBase, c3, 2 * c);
      const [a00, a10, a01, a11] = weightsOf(ta);
      const [b00, b10, b01, b11] = weightsOf(tb);
      const [c00, c10, c01, c11] = weightsOf(tc);
      const { o00: ia00, o10: ia10, o01: ia01, o11: ia11 } = ta;
      const { o00: ib00, o10: ib10, o01: ib01, o11: ib11 } = tb;
      const { o00: ic00, o10: ic10, o01: ic01, o11: ic11 } = tc;
      // All twelve taps per channel, summed in double: one rounding and one store per output.
      for (let ch = 0; ch < c; ch++) {
        const sa = a00 * planes[ia00 + ch] + a10 * planes[ia10 + ch] + a01 * planes[ia01 + ch] + a11 * planes[ia11 + ch];
        const sb = b00 * planes[ib00 + ch] + b10 * planes[ib10 + ch] + b01 * planes[ib01 + ch] + b11 * planes[ib11 + ch];
        const sc = c00 * planes[ic00 + ch] + c10 * planes[ic10 + ch] + c01 * planes[ic01 + ch] + c11 * planes[ic11 + ch];
        out[o + ch] = (sa + sb + sc) / 3;
      }
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
  const scale = (half * invScale) / 3;
  const t = newTaps();
  dPlanes.fill(0);
  for (let b = 0; b < n; b++) {
    const rowBase = b * r;
    for (let q = 0; q < p; q++) {
      const pi = (b * p + q) * 3;
      const o = (b * p + q) * c;
      const u0 = (points[pi] * invScale + 1) * half;
      const u1 = (points[pi + 1] * invScale + 1) * half;
      const u2 = (points[pi + 2] * invScale + 1) * half;
      let g0 = 0;
      let g1 = 0;
      let g2 = 0;
      for (let k = 0; k < 3; k++) {
        tapsOf(t, k === 2 ? u1 : u0, k === 0 ? u1 : u2, r, rowBase, c3, k * c);
        const { o00, o10, o01, o11, fx, fy } = t;
        const v00 = t.vx0 & t.vy0;
        const v10 = t.vx1 & t.vy0;
        const v01 = t.vx0 & t.vy1;
        const v11 = t.vx1 & t.vy1;
        // Invalid taps add w·g = 0 to address 0 and their dot is masked out below.
        const w00 = v00 ? ((1 - fx) * (1 - fy)) / 3 : 0;
        const w10 = v10 ? (fx * (1 - fy)) / 3 : 0;
        const w01 = v01 ? ((1 - fx) * fy) / 3 : 0;
        const w11 = v11 ? (fx * fy) / 3 : 0;
        let d00 = 0;
        let d10 = 0;
        let d01 = 0;
        let d11 = 0;
        for (let ch = 0; ch < c; ch++) {
          const g = dy[o + ch];
          dPlanes[o00 + ch] += w00 * g;
          d00 += g * planes[o00 + ch];
          dPlanes[o10 + ch] += w10 * g;
          d10 += g * planes[o10 + ch];
          dPlanes[o01 + ch] += w01 * g;
          d01 += g * planes[o01 + ch];
          dPlanes[o11 + ch] += w11 * g;
          d11 += g * planes[o11 + ch];
        }
        d00 *= v00;
        d10 *= v10;
        d01 *= v01;
        d11 *= v11;
        const gx = ((1 - fy) * (d10 - d00) + fy * (d11 - d01)) * scale;
        const gy = ((1 - fx) * (d01 - d00) + fx * (d11 - d10)) * scale;
        // PLANE_AXES[k]: (0, 1), (0, 2), (1, 2).
        if (k === 0) {
          g0 += gx;
          g1 += gy;
        } else if (k === 1) {
          g0 += gx;
          g2 += gy;
        } else {
          g1 += gx;
          g2 += gy;
        }
      }
      dPoints[pi] = g0;
      dPoints[pi + 1] = g1;
      dPoints[pi + 2] = g2;
    }
  }
}
