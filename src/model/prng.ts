/**
 * Seeded randomness, identical in Node and in every browser (pure integer arithmetic plus IEEE doubles).
 *
 * The PRNG is MT19937 seeded exactly like NumPy's legacy `np.random.RandomState(seed)`, and `gauss()` is
 * NumPy's legacy polar Box–Muller (`RandomState.randn`). So `zFromSeed(seed, d)` equals the official
 * EpiGRAF scripts' `np.random.RandomState(seed).randn(d)` cast to float32: a seed means the same latent
 * here and in the official code.
 */

const N = 624;
const M = 397;

export class MT19937 {
  private readonly mt = new Uint32Array(N);
  private idx = N;
  private hasGauss = false;
  private gaussNext = 0;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed must be an integer in [0, 2^32 − 1] (got ${seed})`);
    }
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      // 1812433253 * prev + i, modulo 2^32, without losing bits to float rounding.
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < N; i++) {
      const y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
      let v = mt[(i + M) % N] ^ (y >>> 1);
      if (y & 1) v ^= 0x9908b0df;
      mt[i] = v >>> 0;
    }
    this.idx = 0;
  }

  /** Next 32-bit unsigned integer (genrand_int32). */
  nextUint32(): number {
    if (this.idx >= N) this.twist();
    let y = this.mt[this.idx++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits (NumPy's random_sample). */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /** Standard normal (NumPy legacy gauss: polar method, caches the second value). */
  gauss(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      return this.gaussNext;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2.0 * this.random() - 1.0;
      x2 = 2.0 * this.random() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 === 0.0);
    const f = Math.sqrt((-2.0 * Math.log(r2)) / r2);
    this.gaussNext = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** n standard normals as float32. */
  randn(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.gauss();
    return out;
  }

  /** n uniforms in [0, 1) as float32. */
  rand(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.random();
    return out;
  }
}

/** The latent for a seed: `np.random.RandomState(seed).randn(zDim).astype(float32)`. */
export function zFromSeed(seed: number, zDim: number): Float32Array {
  return new MT19937(seed).randn(zDim);
}
