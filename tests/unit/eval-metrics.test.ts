/** The measuring tools of issue 7: Fréchet distance maths, the consistency metric, the GIF encoder. */
import { describe, expect, it } from 'vitest';
import { fitGaussian, frechetDistance, frechetFromFeatures, matMul, sqrtPsd, symmetricEigen } from '../../src/eval/frechet';
import { consistencyAngles, multiViewConsistency, type ViewGeometry } from '../../src/eval/consistency';
import { cameraFromAngles, rayDirections } from '../../src/render/camera';
import { decodeGif, encodeGif, gifPalette, lzwEncode } from '../../src/media/gif';
import { MT19937 } from '../../src/model/prng';

/** A random symmetric positive definite n × n matrix Q·diag(λ)·Qᵀ with known eigenvalues λ. */
function randomSpd(n: number, rng: MT19937, lambdas?: number[]): { m: Float64Array; lambdas: number[] } {
  const lam = lambdas ?? Array.from({ length: n }, () => 0.1 + 3 * rng.random());
  // Q from Gram–Schmidt on random vectors.
  const q: number[][] = [];
  while (q.length < n) {
    const v = Array.from({ length: n }, () => rng.gauss());
    for (const u of q) {
      const d = v.reduce((s, x, i) => s + x * u[i], 0);
      for (let i = 0; i < n; i++) v[i] -= d * u[i];
    }
    const nv = Math.hypot(...v);
    q.push(v.map((x) => x / nv));
  }
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) m[i * n + j] += q[k][i] * lam[k] * q[k][j];
  return { m, lambdas: lam };
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

describe('Jacobi eigendecomposition and matrix square root (float64)', () => {
  it('finds the known eigenvalues, orthonormal vectors, and A·v = λ·v', () => {
    const rng = new MT19937(1);
    const n = 12;
    const { m, lambdas } = randomSpd(n, rng);
    const e = symmetricEigen(m, n);
    expect([...e.values].sort((a, b) => a - b)).toEqual(lambdas.sort((a, b) => a - b).map((x) => expect.closeTo(x, 10)));
    const v = e.vectors!;
    for (let i = 0; i < n; i++) {
      const av = new Float64Array(n);
      for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) av[r] += m[r * n + c] * v[i * n + c];
      expect(maxAbs(av, v.subarray(i * n, (i + 1) * n).map((x) => x * e.values[i]))).toBeLessThan(1e-10);
      for (let j = 0; j < n; j++) {
        let d = 0;
        for (let k = 0; k < n; k++) d += v[i * n + k] * v[j * n + k];
        expect(d).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('sqrtPsd(A)² = A, also for a singular PSD matrix, and sqrt of diag is elementwise', () => {
    const rng = new MT19937(2);
    const n = 10;
    for (const lam of [undefined, [0, 0, 0, 1, 2, 3, 4, 5, 6, 7]]) {
      const { m } = randomSpd(n, rng, lam);
      const s = sqrtPsd(m, n);
      expect(maxAbs(matMul(s, s, n), m)).toBeLessThan(1e-9);
      expect(maxAbs(s, Float64Array.from({ length: n * n }, (_, k) => s[(k % n) * n + Math.floor(k / n)]))).toBeLessThan(1e-12); // symmetric
    }
    const d = sqrtPsd([4, 0, 0, 0, 9, 0, 0, 0, 0.25], 3);
    expect(maxAbs(d, [2, 0, 0, 0, 3, 0, 0, 0, 0.5])).toBeLessThan(1e-14);
  });
});

describe('Fréchet distance', () => {
  it('is ~0 for identical feature sets and grows with a mean shift by exactly ‖Δμ‖²', () => {
    const rng = new MT19937(3);
    const n = 400;
    const dim = 16;
    const f = Float64Array.from({ length: n * dim }, () => rng.gauss() * (1 + rng.random()));
    const g = fitGaussian(f, n, dim);
    expect(Math.abs(frechetDistance(g, g))).toBeLessThan(1e-9);
    const shifted = f.map((x, i) => x + (i % dim === 3 ? 0.5 : 0));
    expect(frechetDistance(g, fitGaussian(shifted, n, dim))).toBeCloseTo(0.25, 9);
  });

  it('equals the closed form for Gaussians with known means and covariances', () => {
    const rng = new MT19937(4);
    const n = 8;
    // Commuting covariances (same eigenvectors): tr (Σ₁Σ₂)^½ = Σ √(a_i b_i).
    const a = Array.from({ length: n }, () => 0.2 + rng.random() * 4);
    const b = Array.from({ length: n }, () => 0.2 + rng.random() * 4);
    const s1 = randomSpd(n, new MT19937(9), a).m;
    const s2 = randomSpd(n, new MT19937(9), b).m; // same Q (same seed), other eigenvalues
    const m1 = Float64Array.from({ length: n }, () => rng.gauss());
    const m2 = Float64Array.from({ length: n }, () => rng.gauss());
    const expected = m1.reduce((s, x, i) => s + (x - m2[i]) ** 2, 0) + a.reduce((s, ai, i) => s + ai + b[i] - 2 * Math.sqrt(ai * b[i]), 0);
    expect(frechetDistance({ dim: n, mean: m1, cov: s1 }, { dim: n, mean: m2, cov: s2 })).toBeCloseTo(expected, 9);
    // Non-commuting 2×2 case against the 2×2 closed form tr √M = √(tr M + 2√det M) for M = Σ₁Σ₂.
    const c1 = [2, 0.7, 0.7, 1];
    const c2 = [0.5, -0.2, -0.2, 3];
    const M = [c1[0] * c2[0] + c1[1] * c2[2], c1[0] * c2[1] + c1[1] * c2[3], c1[2] * c2[0] + c1[3] * c2[2], c1[2] * c2[1] + c1[3] * c2[3]];
    const trSqrt = Math.sqrt(M[0] + M[3] + 2 * Math.sqrt(M[0] * M[3] - M[1] * M[2]));
    const want = 1 + 4 + 3 + 3.5 - 2 * trSqrt; // Δμ = (1, 2)
    expect(frechetDistance({ dim: 2, mean: Float64Array.from([0, 0]), cov: Float64Array.from(c1) }, { dim: 2, mean: Float64Array.from([1, 2]), cov: Float64Array.from(c2) })).toBeCloseTo(want, 12);
  });

  it('the sample-space form (n < dim) equals the covariance form', () => {
    const rng = new MT19937(8);
    const dim = 30;
    const f1 = Float64Array.from({ length: 12 * dim }, () => Math.max(0, rng.gauss()));
    const f2 = Float64Array.from({ length: 17 * dim }, () => Math.max(0, rng.gauss() + 0.3) * 1.5);
    const want = frechetDistance(fitGaussian(f1, 12, dim), fitGaussian(f2, 17, dim));
    expect(want).toBeGreaterThan(1);
    expect(frechetFromFeatures(f1, 12, f2, 17, dim)).toBeCloseTo(want, 5); // the covariance form adds √ of rounding-level eigenvalues (rank 11 of 30)
    expect(frechetFromFeatures(f2, 17, f1, 12, dim)).toBeCloseTo(want, 5);
    expect(Math.abs(frechetFromFeatures(f1, 12, f1, 12, dim))).toBeLessThan(1e-6);
  });

  it('fitGaussian gives the unbiased covariance', () => {
    const g = fitGaussian([1, 2, 3, 6, 5, 10], 3, 2);
    expect([...g.mean]).toEqual([3, 6]);
    expect([...g.cov].map((x) => +x.toFixed(12))).toEqual([4, 8, 8, 16]);
  });
});

/** Analytic renders of a sphere (centre c, radius r): opacity 1 where the ray hits, depth = hit distance. */
function sphereView(yaw: number, pitch: number, res: number, c: number[], r: number): ViewGeometry {
  const camera = cameraFromAngles(yaw, pitch, 1, 30);
  const dirs = rayDirections(camera, res, res);
  const opacity = new Float32Array(res * res);
  const depth = new Float32Array(res * res);
  const o = camera.origin.map((x, i) => x - c[i]);
  for (let i = 0; i < res * res; i++) {
    const d = [dirs[3 * i], dirs[3 * i + 1], dirs[3 * i + 2]];
    const b = o[0] * d[0] + o[1] * d[1] + o[2] * d[2];
    const disc = b * b - (o[0] ** 2 + o[1] ** 2 + o[2] ** 2 - r * r);
    if (disc < 0) continue;
    opacity[i] = 1;
    depth[i] = -b - Math.sqrt(disc);
  }
  return { camera, opacity, depth };
}

describe('multi-view consistency', () => {
  const res = 48;
  it('a sphere (off-centre, seen from the 8 cameras) scores ≈ 1', () => {
    const views = consistencyAngles().map(([y, p]) => sphereView(y, p, res, [0.05, -0.03, 0.04], 0.16));
    const r = multiViewConsistency(views, res);
    expect(r.pairs).toBe(56);
    expect(r.coverage).toBeGreaterThan(0.1);
    expect(r.score!).toBeGreaterThan(0.99);
  });

  it('unrelated silhouettes and depths (a different random sphere per view) score far lower', () => {
    const rng = new MT19937(5);
    const views = consistencyAngles().map(([y, p]) =>
      sphereView(y, p, res, [0.25 * (rng.random() * 2 - 1), 0.25 * (rng.random() * 2 - 1), 0.25 * (rng.random() * 2 - 1)], 0.08 + 0.1 * rng.random()),
    );
    const r = multiViewConsistency(views, res);
    expect(r.score!).toBeLessThan(0.5);
  });

  it('right silhouettes with wrong depths fail the free-space test; nothing opaque gives null', () => {
    const views = consistencyAngles().map(([y, p]) => sphereView(y, p, res, [0, 0, 0], 0.16));
    for (const v of views) (v.depth as Float32Array).forEach((d, i, a) => (a[i] = d > 0 ? d - 0.15 : 0)); // surfaces pulled 0.15 towards each camera
    const r = multiViewConsistency(views, res);
    expect(r.silhouette!).toBeLessThan(0.9);
    expect(r.score!).toBeLessThan(0.5);
    const empty = views.map((v) => ({ ...v, opacity: new Float32Array(res * res) }));
    expect(multiViewConsistency(empty, res).score).toBeNull();
  });
});

describe('GIF encoder', () => {
  it('round-trips palette-exact frames through a decoder, with loop and delay', () => {
    const w = 37;
    const h = 23;
    const pal = gifPalette();
    const rng = new MT19937(6);
    const frames: Uint8Array[] = [];
    const indices: Uint8Array[] = [];
    for (let f = 0; f < 3; f++) {
      const idx = new Uint8Array(w * h);
      // Mixed content: smooth gradients (long LZW strings) and noise (table growth, clear codes).
      for (let i = 0; i < w * h; i++) idx[i] = f === 2 ? Math.floor(rng.random() * 256) : (Math.floor(i / 7) + f * 40) & 255;
      const rgba = new Uint8Array(w * h * 4);
      for (let i = 0; i < w * h; i++) rgba.set([pal[3 * idx[i]], pal[3 * idx[i] + 1], pal[3 * idx[i] + 2], 255], 4 * i);
      frames.push(rgba);
      indices.push(idx);
    }
    const bytes = encodeGif(frames, w, h, { delayCs: 5, dither: false });
    const g = decodeGif(bytes);
    expect([g.width, g.height, g.frames.length, g.loop]).toEqual([w, h, 3, 0]);
    expect(g.delaysCs).toEqual([5, 5, 5]);
    expect([...g.palette]).toEqual([...pal]);
    for (let f = 0; f < 3; f++) expect([...g.frames[f]]).toEqual([...indices[f]]);
  });

  it('LZW survives table resets on a long incompressible stream; dithered frames stay within one palette step', () => {
    const rng = new MT19937(7);
    const n = 200 * 200;
    const w = 200;
    const rgba = new Uint8Array(n * 4);
    for (let i = 0; i < n * 4; i++) rgba[i] = Math.floor(rng.random() * 256);
    const g = decodeGif(encodeGif([rgba], w, w));
    expect(g.frames[0].length).toBe(n);
    const pal = g.palette;
    let worst = 0;
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(pal[3 * g.frames[0][i] + c] - rgba[4 * i + c]));
    expect(worst).toBeLessThanOrEqual(86); // one blue step (255/3), the coarsest channel
    expect(lzwEncode(new Uint8Array(0)).length).toBeGreaterThan(0);
    expect(() => decodeGif(new Uint8Array([1, 2, 3, 4, 5, 6]))).toThrow(/signature/);
  });
});
