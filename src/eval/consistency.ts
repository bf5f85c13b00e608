/**
 * Multi-view consistency of rendered geometry: one latent rendered from several cameras; each view's opaque
 * pixels are lifted to 3-D through their depth and checked against every other view.
 *
 * The metric. For view i, its silhouette S_i = pixels with opacity > τ (0.5), and each such pixel p is lifted to
 * its expected surface point x_p = o_i + d_p · z̄_p, where z̄ = depth / opacity (the renderer's depth is Σ w·z,
 * the opacity Σ w). A geometry that exists in 3-D must satisfy, for every other view j in whose frame x_p lands:
 *   (1) silhouette: x_p projects inside S_j (a silhouette is the projection of all of the object, hidden parts
 *       included, so no visibility test is needed), and
 *   (2) free space: x_p is not in front of view j's surface, i.e. |x_p − o_j| ≥ z̄_j(q) − tol at its pixel q
 *       (otherwise view j would see empty space where view i sees surface). Points behind j's surface are
 *       merely occluded there and agree.
 * Both are checked with a one-pixel tolerance (the 3×3 neighbourhood of q: inside if any neighbour is inside,
 * depth against the nearest surface among them) so that nearest-pixel rounding at silhouette edges does not count.
 * agreement(i → j) = fraction of i's lifted points that land in j's frame and pass (1) and (2); the score is
 * its mean over all ordered pairs i ≠ j (pairs where i has no opaque pixel in j's frame are skipped). Ordered
 * pairs make it symmetric in effect: a blob that only one view shows fails when that view's points are
 * checked against the others. A solid object (e.g. a sphere) scores ≈ 1; unrelated silhouettes and depths
 * score about the fraction of the frame they cover, times the chance their depths happen to agree.
 *
 * EpiGRAF's density does not depend on the viewing direction, so a rendered generator is 3-D consistent by
 * construction where it is opaque; what this measures is how surface-like it is — fog or semi-transparent
 * layers have expected depths that are not one surface seen from all sides and score lower — and it catches
 * renderer or camera bugs.
 */
import type { Camera } from '../render/camera';
import { rayDirections } from '../render/camera';

export interface ViewGeometry {
  camera: Camera;
  /** Σ w per pixel, row-major H×W (top row first). */
  opacity: ArrayLike<number>;
  /** Σ w·z per pixel (the renderer's unnormalised depth output). */
  depth: ArrayLike<number>;
}

export interface ConsistencyOptions {
  /** Opacity above which a pixel is part of the silhouette. */
  threshold?: number;
  /** Depth tolerance of the free-space test, world units. */
  tol?: number;
}

export interface ConsistencyResult {
  /** Mean agreement over ordered pairs, null when no pair could be checked (nothing opaque). */
  score: number | null;
  /** Mean fraction passing the silhouette test alone. */
  silhouette: number | null;
  /** Ordered pairs that counted. */
  pairs: number;
  /** Mean silhouette coverage (fraction of pixels) over the views. */
  coverage: number;
}

export function multiViewConsistency(views: ViewGeometry[], res: number, o: ConsistencyOptions = {}): ConsistencyResult {
  const tau = o.threshold ?? 0.5;
  const tol = o.tol ?? 0.03;
  const hw = res * res;
  const sil = views.map((v) => {
    const m = new Uint8Array(hw);
    for (let i = 0; i < hw; i++) m[i] = v.opacity[i] > tau ? 1 : 0;
    return m;
  });
  const zbar = views.map((v, k) => {
    const z = new Float32Array(hw).fill(Infinity);
    for (let i = 0; i < hw; i++) if (sil[k][i]) z[i] = v.depth[i] / v.opacity[i];
    return z;
  });
  // Lifted points of each view.
  const points = views.map((v, k) => {
    const dirs = rayDirections(v.camera, res, res);
    const pts: number[] = [];
    const [ox, oy, oz] = v.camera.origin;
    for (let i = 0; i < hw; i++) if (sil[k][i]) pts.push(ox + dirs[3 * i] * zbar[k][i], oy + dirs[3 * i + 1] * zbar[k][i], oz + dirs[3 * i + 2] * zbar[k][i]);
    return Float64Array.from(pts);
  });
  let sumAgree = 0;
  let sumSil = 0;
  let pairs = 0;
  for (let i = 0; i < views.length; i++)
    for (let j = 0; j < views.length; j++) {
      if (i === j) continue;
      const cam = views[j].camera;
      const R = cam.rotation;
      const [ox, oy, oz] = cam.origin;
      const tanHalf = Math.tan((cam.fovDeg * Math.PI) / 360);
      const pts = points[i];
      let inFrame = 0;
      let inSil = 0;
      let agree = 0;
      for (let k = 0; k < pts.length; k += 3) {
        const vx = pts[k] - ox;
        const vy = pts[k + 1] - oy;
        const vz = pts[k + 2] - oz;
        const cx = R[0] * vx + R[1] * vy + R[2] * vz; // · right
        const cy = R[3] * vx + R[4] * vy + R[5] * vz; // · up
        const f = -(R[6] * vx + R[7] * vy + R[8] * vz); // · forward
        if (f <= 0) continue;
        const col = Math.round(((cx / (f * tanHalf) + 1) / 2) * (res - 1));
        const row = Math.round(((1 - cy / (f * tanHalf)) / 2) * (res - 1));
        if (col < 0 || col >= res || row < 0 || row >= res) continue;
        inFrame++;
        let inside = false;
        let nearest = Infinity;
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const r = row + dy;
            const c = col + dx;
            if (r < 0 || r >= res || c < 0 || c >= res) continue;
            const q = r * res + c;
            if (sil[j][q]) {
              inside = true;
              nearest = Math.min(nearest, zbar[j][q]);
            }
          }
        if (!inside) continue;
        inSil++;
        if (Math.hypot(vx, vy, vz) >= nearest - tol) agree++;
      }
      if (inFrame === 0) continue;
      pairs++;
      sumAgree += agree / inFrame;
      sumSil += inSil / inFrame;
    }
  const coverage = sil.reduce((a, m) => a + m.reduce((s, x) => s + x, 0) / hw, 0) / views.length;
  return { score: pairs ? sumAgree / pairs : null, silhouette: pairs ? sumSil / pairs : null, pairs, coverage };
}

/** The 8 cameras of the consistency check: yaw every 90° on two rings 30° above and below the equator, offset by 45°. */
export function consistencyAngles(): [yaw: number, pitch: number][] {
  const out: [number, number][] = [];
  for (let k = 0; k < 4; k++) out.push([(k * Math.PI) / 2, Math.PI / 3]);
  for (let k = 0; k < 4; k++) out.push([(k * Math.PI) / 2 + Math.PI / 4, (2 * Math.PI) / 3]);
  return out;
}
