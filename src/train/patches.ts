/**
 * Patch-wise training's sampling (official EpiGRAF): scale s = s_min + (1 − s_min)·Beta(1, β) with β annealed
 * linearly from 0.001 to 0.8, offsets uniform in [0, 1 − s], one (s, δ) per group of 4; real patches cut from
 * real images with exactly the rays' NDC mapping (bilinear, align-corners, as the official grid_sample call).
 */
import type { Patch } from '../render/camera';

export interface PatchSchedule {
  /** Patch side in pixels and the dataset resolution: s_min = patch / resolution. */
  patch: number;
  resolution: number;
  /** Images over which β goes from betaStart to betaEnd (official: 10,000 kimg). */
  annealImages: number;
  betaStart?: number;
  betaEnd?: number;
  /** Samples that share one (s, δ) (official: the minibatch-std group, 4). */
  groupSize?: number;
  /** Draw the scale uniformly from this fixed set instead of the annealed Beta (Figure 9 uses [1, 0.25]). */
  scales?: number[];
}

/** How real patches are resampled from dataset images: `point` (official, aliased) or `area` (box prefilter). */
export type PatchFilter = 'point' | 'area';

export function betaAt(s: PatchSchedule, imagesSeen: number): number {
  const a = s.betaStart ?? 0.001;
  const b = s.betaEnd ?? 0.8;
  const t = s.annealImages > 0 ? Math.min(1, Math.max(0, imagesSeen / s.annealImages)) : 1;
  return a + (b - a) * t;
}

/** Beta(1, β) by inversion: F(x) = 1 − (1 − x)^β. */
export function sampleBeta1(beta: number, u: number): number {
  return 1 - Math.pow(1 - u, 1 / beta);
}

/** Patch parameters for a batch, deterministic given `rng`. */
export function samplePatches(s: PatchSchedule, batch: number, imagesSeen: number, rng: () => number): Patch[] {
  const sMin = Math.min(1, s.patch / s.resolution);
  const beta = betaAt(s, imagesSeen);
  const group = s.groupSize ?? 4;
  const out: Patch[] = [];
  const fixed = s.scales;
  if (fixed && (!fixed.length || fixed.some((v) => !(v > 0 && v <= 1)))) throw new Error(`patch scales must lie in (0, 1], got [${fixed.join(', ')}]`);
  for (let i = 0; i < batch; i += group) {
    const scale = fixed ? fixed[Math.min(fixed.length - 1, Math.floor(rng() * fixed.length))] : sMin + (1 - sMin) * sampleBeta1(beta, rng());
    const offsetX = rng() * (1 - scale);
    const offsetY = rng() * (1 - scale);
    for (let k = i; k < Math.min(batch, i + group); k++) out.push({ scale, offsetX, offsetY });
  }
  return out;
}

/**
 * Cuts an r×r patch from an R×R RGBA image at the positions the patch's rays look through: NDC
 * x′ = (x + 1)·s − 1 + 2δx with x ∈ linspace(−1, 1, r) (y likewise, image rows running from NDC +1 at the top
 * to −1 at the bottom), sampled bilinearly with align-corners (NDC ±1 = the centres of the edge pixels).
 * `mirror` reads the image flipped left-right (mirror augmentation) without copying it.
 * Returns RGB in [−1, 1], NHWC [r, r, 3].
 */
export function extractPatch(rgba: Uint8Array, res: number, p: Patch, r: number, mirror = false, filter: PatchFilter = 'point'): Float32Array {
  if (filter === 'area') return extractPatchArea(rgba, res, p, r, mirror);
  const out = new Float32Array(r * r * 3);
  const lin = (i: number) => (r === 1 ? -1 : -1 + (2 * i) / (r - 1));
  for (let row = 0; row < r; row++) {
    const yNdc = (-lin(row) + 1) * p.scale - 1 + 2 * p.offsetY; // rays: y runs from +1 (top) down
    const v = ((1 - yNdc) / 2) * (res - 1); // image row of that NDC height
    for (let col = 0; col < r; col++) {
      const xNdc = (lin(col) + 1) * p.scale - 1 + 2 * p.offsetX;
      const uImage = ((xNdc + 1) / 2) * (res - 1);
      const u = mirror ? res - 1 - uImage : uImage;
      const x0 = Math.max(0, Math.min(res - 1, Math.floor(u)));
      const y0 = Math.max(0, Math.min(res - 1, Math.floor(v)));
      const x1 = Math.min(res - 1, x0 + 1);
      const y1 = Math.min(res - 1, y0 + 1);
      const fx = Math.min(1, Math.max(0, u - x0));
      const fy = Math.min(1, Math.max(0, v - y0));
      for (let k = 0; k < 3; k++) {
        const at = (x: number, y: number) => rgba[4 * (y * res + x) + k];
        const top = at(x0, y0) * (1 - fx) + at(x1, y0) * fx;
        const bottom = at(x0, y1) * (1 - fx) + at(x1, y1) * fx;
        out[3 * (row * r + col) + k] = ((top * (1 - fy) + bottom * fy) / 255) * 2 - 1;
      }
    }
  }
  return out;
}

/**
 * A patch pixel's footprint in dataset pixels: the distance between neighbouring patch pixels' sample points,
 * s·(R − 1)/(r − 1) with the align-corners mapping (≈ s·R/r).
 */
export function patchFootprint(scale: number, res: number, r: number): number {
  return r === 1 ? scale * (res - 1) : (scale * (res - 1)) / (r - 1);
}

/**
 * Box weights along one axis: the exact overlap of [c − w/2, c + w/2] (clipped to the image, [−½, n − ½]) with
 * each pixel [j − ½, j + ½] of a row of n pixels, normalised to sum 1. Returns the first pixel and the weights.
 */
export function boxWeights(c: number, w: number, n: number): { start: number; weights: Float64Array } {
  const a = Math.max(-0.5, c - w / 2);
  const b = Math.min(n - 0.5, c + w / 2);
  const j0 = Math.max(0, Math.min(n - 1, Math.floor(a + 0.5)));
  const j1 = Math.max(j0, Math.min(n - 1, Math.ceil(b - 0.5)));
  const weights = new Float64Array(j1 - j0 + 1);
  let sum = 0;
  for (let j = j0; j <= j1; j++) {
    const o = Math.max(0, Math.min(b, j + 0.5) - Math.max(a, j - 0.5));
    weights[j - j0] = o;
    sum += o;
  }
  if (sum > 0) for (let k = 0; k < weights.length; k++) weights[k] /= sum;
  else weights[0] = 1;
  return { start: j0, weights };
}

/**
 * Alias-free real patches: each patch pixel is the exact area (box) average of the source image — taken as
 * piecewise constant, pixel j covering [j − ½, j + ½] — over a square of side max(1, footprint) centred where
 * the point sampler would read, with fractional coverage at the box's borders and the part outside the image
 * left out. A box of one pixel is exactly the bilinear interpolation of the point sampler, so footprints ≤ 1
 * (s ≤ (r − 1)/(R − 1)) give the official patches. Same layout and mirroring as `extractPatch`.
 */
export function extractPatchArea(rgba: Uint8Array, res: number, p: Patch, r: number, mirror = false): Float32Array {
  const out = new Float32Array(r * r * 3);
  const w = Math.max(1, patchFootprint(p.scale, res, r));
  const lin = (i: number) => (r === 1 ? -1 : -1 + (2 * i) / (r - 1));
  const cols = Array.from({ length: r }, (_, col) => {
    const uImage = (((lin(col) + 1) * p.scale - 1 + 2 * p.offsetX + 1) / 2) * (res - 1);
    return boxWeights(mirror ? res - 1 - uImage : uImage, w, res);
  });
  const acc = new Float64Array(3);
  for (let row = 0; row < r; row++) {
    const yNdc = (-lin(row) + 1) * p.scale - 1 + 2 * p.offsetY;
    const ry = boxWeights(((1 - yNdc) / 2) * (res - 1), w, res);
    for (let col = 0; col < r; col++) {
      const cx = cols[col];
      acc.fill(0);
      for (let i = 0; i < ry.weights.length; i++) {
        const wy = ry.weights[i];
        const base = (ry.start + i) * res;
        for (let j = 0; j < cx.weights.length; j++) {
          const wgt = wy * cx.weights[j];
          const o = 4 * (base + cx.start + j);
          acc[0] += wgt * rgba[o];
          acc[1] += wgt * rgba[o + 1];
          acc[2] += wgt * rgba[o + 2];
        }
      }
      for (let k = 0; k < 3; k++) out[3 * (row * r + col) + k] = (acc[k] / 255) * 2 - 1;
    }
  }
  return out;
}
