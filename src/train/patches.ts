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
}

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
  for (let i = 0; i < batch; i += group) {
    const scale = sMin + (1 - sMin) * sampleBeta1(beta, rng());
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
export function extractPatch(rgba: Uint8Array, res: number, p: Patch, r: number, mirror = false): Float32Array {
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
