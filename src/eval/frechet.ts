/**
 * Fréchet distance between two Gaussians fitted to feature sets (the FID formula of Heusel et al. 2017):
 *   d² = ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2·tr (Σ₁ Σ₂)^{1/2}.
 * Everything in float64. tr (Σ₁Σ₂)^{1/2} = tr (Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2}: the inner matrix is symmetric
 * positive semi-definite (Σ₁Σ₂ is similar to it), so both square roots come from symmetric eigendecompositions,
 * done here by the cyclic Jacobi method — no complex parts to discard as with scipy's sqrtm of Σ₁Σ₂.
 */

export interface Gaussian {
  dim: number;
  mean: Float64Array;
  /** dim × dim, row-major, unbiased (n − 1). */
  cov: Float64Array;
  n: number;
}

/** Mean and covariance of n feature rows of width dim (row-major). */
export function fitGaussian(features: ArrayLike<number>, n: number, dim: number): Gaussian {
  if (features.length !== n * dim) throw new Error(`fitGaussian: ${features.length} values is not ${n} × ${dim}`);
  if (n < 2) throw new Error('fitGaussian: need at least 2 samples');
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) mean[k] += features[i * dim + k];
  for (let k = 0; k < dim; k++) mean[k] /= n;
  const cov = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < dim; k++) row[k] = features[i * dim + k] - mean[k];
    for (let a = 0; a < dim; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      const o = a * dim;
      for (let b = a; b < dim; b++) cov[o + b] += ra * row[b];
    }
  }
  for (let a = 0; a < dim; a++)
    for (let b = a; b < dim; b++) {
      const v = cov[a * dim + b] / (n - 1);
      cov[a * dim + b] = v;
      cov[b * dim + a] = v;
    }
  return { dim, mean, cov, n };
}

export interface Eigen {
  /** Eigenvalues (unsorted). */
  values: Float64Array;
  /** Row i is the unit eigenvector of values[i] (n × n, row-major), when asked for. */
  vectors: Float64Array | null;
  sweeps: number;
}

/**
 * Eigendecomposition of a symmetric matrix (n × n, row-major; not modified) by cyclic Jacobi rotations until
 * the off-diagonal part is below `tol` relative to the Frobenius norm. O(n³) per sweep, ~10 sweeps.
 */
export function symmetricEigen(matrix: ArrayLike<number>, n: number, withVectors = true, tol = 1e-13, maxSweeps = 60): Eigen {
  if (matrix.length !== n * n) throw new Error(`symmetricEigen: ${matrix.length} values is not ${n}²`);
  const a = Float64Array.from(matrix);
  // Symmetrise (averaging rounding differences).
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (a[i * n + j] + a[j * n + i]);
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  // w = Vᵀ: a rotation updates two contiguous rows of it.
  const w = withVectors ? new Float64Array(n * n) : null;
  if (w) for (let i = 0; i < n; i++) w[i * n + i] = 1;
  let frob = 0;
  for (let i = 0; i < n * n; i++) frob += a[i] * a[i];
  frob = Math.sqrt(frob);
  let sweeps = 0;
  for (; sweeps < maxSweeps; sweeps++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
    if (frob === 0 || Math.sqrt(2 * off) <= tol * frob) break;
    for (let p = 0; p < n - 1; p++) {
      const po = p * n;
      for (let q = p + 1; q < n; q++) {
        const qo = q * n;
        const apq = a[po + q];
        if (apq === 0) continue;
        const app = a[po + p];
        const aqq = a[qo + q];
        // Negligible next to the diagonal: zero it without a rotation (Numerical Recipes' threshold test).
        if (Math.abs(apq) < 1e-18 * (Math.abs(app) + Math.abs(aqq))) {
          a[po + q] = 0;
          a[qo + p] = 0;
          continue;
        }
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A ← Jᵀ·A·J touches rows p, q and (by symmetry, the same values) columns p, q.
        for (let k = 0; k < n; k++) {
          const x = a[po + k];
          const y = a[qo + k];
          a[po + k] = c * x - s * y;
          a[qo + k] = s * x + c * y;
        }
        a[po + p] = app - t * apq;
        a[qo + q] = aqq + t * apq;
        a[po + q] = 0;
        a[qo + p] = 0;
        for (let k = 0; k < n; k++) {
          a[k * n + p] = a[po + k];
          a[k * n + q] = a[qo + k];
        }
        if (w)
          for (let k = 0; k < n; k++) {
            const x = w[po + k];
            const y = w[qo + k];
            w[po + k] = c * x - s * y;
            w[qo + k] = s * x + c * y;
          }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return { values, vectors: w, sweeps };
}

/** C = A·B for n × n row-major matrices. */
export function matMul(A: Float64Array, B: Float64Array, n: number): Float64Array {
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const co = i * n;
    for (let k = 0; k < n; k++) {
      const aik = A[i * n + k];
      if (aik === 0) continue;
      const bo = k * n;
      for (let j = 0; j < n; j++) C[co + j] += aik * B[bo + j];
    }
  }
  return C;
}

/** Principal square root of a symmetric positive semi-definite matrix (negative eigenvalues from rounding clamp to 0). */
export function sqrtPsd(A: ArrayLike<number>, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(A, n, true);
  const v = vectors!;
  // S = Σ_i √λ_i · v_i v_iᵀ = Vᵀ' · D · V' with rows v_i.
  const scaled = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const r = Math.sqrt(Math.max(values[i], 0));
    for (let k = 0; k < n; k++) scaled[i * n + k] = v[i * n + k] * r;
  }
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const so = i * n;
    for (let k = 0; k < n; k++) {
      const vki = v[k * n + i]; // column i of Vᵀ-rows = component i of eigenvector k
      if (vki === 0) continue;
      const ro = k * n;
      for (let j = 0; j < n; j++) S[so + j] += vki * scaled[ro + j];
    }
  }
  return S;
}

/**
 * Fréchet distance between two Gaussians of the same dimension. `sqrtCov1` (sqrtPsd of g1.cov) may be passed
 * to reuse it when g1 is compared with several others (the eigendecomposition with vectors is the costly part).
 */
export function frechetDistance(g1: Pick<Gaussian, 'dim' | 'mean' | 'cov'>, g2: Pick<Gaussian, 'dim' | 'mean' | 'cov'>, sqrtCov1?: Float64Array): number {
  const n = g1.dim;
  if (g2.dim !== n) throw new Error(`frechetDistance: dimensions differ (${n} vs ${g2.dim})`);
  let meanTerm = 0;
  for (let i = 0; i < n; i++) meanTerm += (g1.mean[i] - g2.mean[i]) ** 2;
  let tr1 = 0;
  let tr2 = 0;
  for (let i = 0; i < n; i++) {
    tr1 += g1.cov[i * n + i];
    tr2 += g2.cov[i * n + i];
  }
  const s1 = sqrtCov1 ?? sqrtPsd(g1.cov, n);
  const inner = matMul(matMul(s1, Float64Array.from(g2.cov), n), s1, n);
  const { values } = symmetricEigen(inner, n, false);
  let trSqrt = 0;
  for (const v of values) trSqrt += Math.sqrt(Math.max(v, 0));
  return meanTerm + tr1 + tr2 - 2 * trSqrt;
}

/**
 * The same distance computed in sample space, for sets smaller than the feature width (n < dim): with
 * Aᵢ = centred rows / √(nᵢ − 1) (so Σᵢ = AᵢᵀAᵢ), the non-zero eigenvalues of Σ₁Σ₂ are those of (A₁A₂ᵀ)(A₁A₂ᵀ)ᵀ,
 * so tr (Σ₁Σ₂)^{1/2} is the nuclear norm of the n₁ × n₂ matrix A₁A₂ᵀ — an eigenproblem of size min(n₁, n₂)
 * instead of dim.
 */
export function frechetFromFeatures(f1: ArrayLike<number>, n1: number, f2: ArrayLike<number>, n2: number, dim: number): number {
  const centred = (f: ArrayLike<number>, n: number) => {
    if (f.length !== n * dim) throw new Error(`frechetFromFeatures: ${f.length} values is not ${n} × ${dim}`);
    if (n < 2) throw new Error('frechetFromFeatures: need at least 2 samples per set');
    const mean = new Float64Array(dim);
    for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) mean[k] += f[i * dim + k];
    for (let k = 0; k < dim; k++) mean[k] /= n;
    const a = new Float64Array(n * dim);
    const s = 1 / Math.sqrt(n - 1);
    let tr = 0;
    for (let i = 0; i < n; i++)
      for (let k = 0; k < dim; k++) {
        const v = (f[i * dim + k] - mean[k]) * s;
        a[i * dim + k] = v;
        tr += v * v;
      }
    return { mean, a, tr };
  };
  const g1 = centred(f1, n1);
  const g2 = centred(f2, n2);
  // Make set 1 the smaller: the eigenproblem is n₁ × n₁.
  const [s, l, ns, nl] = n1 <= n2 ? [g1, g2, n1, n2] : [g2, g1, n2, n1];
  const c = new Float64Array(ns * nl);
  for (let i = 0; i < ns; i++)
    for (let j = 0; j < nl; j++) {
      let d = 0;
      for (let k = 0; k < dim; k++) d += s.a[i * dim + k] * l.a[j * dim + k];
      c[i * nl + j] = d;
    }
  const cct = new Float64Array(ns * ns);
  for (let i = 0; i < ns; i++)
    for (let j = i; j < ns; j++) {
      let d = 0;
      for (let k = 0; k < nl; k++) d += c[i * nl + k] * c[j * nl + k];
      cct[i * ns + j] = d;
      cct[j * ns + i] = d;
    }
  const { values } = symmetricEigen(cct, ns, false);
  let trSqrt = 0;
  for (const v of values) trSqrt += Math.sqrt(Math.max(v, 0));
  let meanTerm = 0;
  for (let k = 0; k < dim; k++) meanTerm += (g1.mean[k] - g2.mean[k]) ** 2;
  return meanTerm + g1.tr + g2.tr - 2 * trSqrt;
}
