// Fine (importance) samples of a ray for the raymarch pass: drawn from the coarse inverse CDF a window of
// FINE_WINDOW + 1 at a time (the window's last entry is the next one's first), and decoded in blocks of
// FINE_BLOCK + 1 consecutive samples (the last shared with the next block), so that with empty-space skipping
// the samples inside a block can be interpolated instead of decoded where the ray is smooth.
//
// Why interpolation is safe there: at an opaque surface the importance samples crowd into one coarse bin,
// far below the tri-plane texel size (tiny preset at 64² planes: fine spacing ≈ 0.0009 vs texel ≈ 0.015 world
// units), where the decoder output is a smooth function of depth except at the density onset. Blocks are
// refined by bisection, level by level across the whole window (so the lanes of a ray share each level): level
// 0 decodes the block ends; at level l the entries half-way between level l − 1's are interpolated (linearly
// in depth, raw outputs) from the two samples bracketing them when both were decoded, they are at most half a
// texel apart, and they agree — density difference × gap ≤ TAU_SIGMA (optical depth) and, weighted by the
// bracket's opacity min(1, σ·gap), colour difference ≤ TAU_RGB (raw) — and decoded otherwise. Samples in empty
// occupancy cells are never decoded. Without FLAG_INTERPOLATE (set only with skipping) every sample is decoded.
//
// Uses from raymarch.wgsl: frame, occupancy, cdf, fineZ, fineOut, random01, query, occupied, EMPTY; softplus.

// FINE_BLOCK and FINE_LEVELS (its log2: bisection levels after the block ends) come from raymarchPass.ts.
/// Largest gap interpolated across: half a tri-plane texel in world units.
const INTERP_GAP = CUBE_SCALE / f32(PLANE_RES - 1u);
const TAU_SIGMA = 0.2;
const TAU_RGB = 0.05;

/// Depth of fine sample k of a pixel (samplePdf in volume.ts): u is drawn per k and increases with k, so the
/// CDF bin is found by bisection rather than by a cursor walking along the ray.
fn fineDepth(pix: u32, cBase: u32, k: u32) -> f32 {
  let S = frame.coarse;
  let K = frame.fine;
  if ((frame.flags & FLAG_INJECT) != 0u) { return bitcast<f32>(occupancy[pix * (S + K) + S + k]); }
  var u: f32;
  if ((frame.flags & FLAG_DET) != 0u) { u = linspaceAt(0.0, 1.0, k, K); }
  else { u = (f32(k) + random01(1u, k)) / f32(K); }
  // The first CDF entry ≥ u among the S − 1, or S − 1 if none is.
  var lo = 0u;
  var hi = S - 1u;
  while (lo < hi) {
    let mid = (lo + hi) / 2u;
    if (cdf[cBase + mid] < u) { lo = mid + 1u; } else { hi = mid; }
  }
  let below = select(lo - 1u, 0u, lo == 0u);
  let above = min(lo, S - 2u);
  let cb = cdf[cBase + below];
  let ca = cdf[cBase + above];
  let bb = 0.5 * (coarseZ[cBase + below] + coarseZ[cBase + below + 1u]);
  let ba = 0.5 * (coarseZ[cBase + above] + coarseZ[cBase + above + 1u]);
  var denom = ca - cb;
  if (denom < 1e-5) { denom = 1.0; }
  return bb + (u - cb) / denom * (ba - bb);
}

/// Draws the depths of window entries 0 … n (fine samples w0 … w0 + n); after the first window, entry 0 is
/// carried over from the previous one.
fn drawFineWindow(pix: u32, cBase: u32, fBase: u32, w0: u32, n: u32, lane: u32) {
  for (var j = lane; j <= n; j += LANES) {
    if (w0 > 0u && j == 0u) { continue; }
    fineZ[fBase + j] = fineDepth(pix, cBase, w0 + j);
    fineOut[fBase + j] = EMPTY;
  }
}

/// Whether the samples between window entries a and b may be interpolated from them.
fn smoothBetween(fBase: u32, a: u32, b: u32) -> bool {
  let oa = fineOut[fBase + a];
  let ob = fineOut[fBase + b];
  if (oa.w <= -1e29 || ob.w <= -1e29) { return false; }
  let gap = fineZ[fBase + b] - fineZ[fBase + a];
  if (gap > INTERP_GAP) { return false; }
  let sa = softplus(oa.w + frame.densityShift);
  let sb = softplus(ob.w + frame.densityShift);
  let dc = abs(oa.xyz - ob.xyz);
  return abs(sa - sb) * gap <= TAU_SIGMA && min(1.0, max(sa, sb) * gap) * max(dc.x, max(dc.y, dc.z)) <= TAU_RGB;
}

/// Fills the window entries of one bisection level (0: the block ends), this lane's share of them.
/// The decoder is called from one place only: shader compilers inline every call site.
fn decodeFineLevel(o: vec3f, d: vec3f, fBase: u32, w0: u32, n: u32, level: u32, lane: u32) {
  let interpolate = (frame.flags & FLAG_INTERPOLATE) != 0u;
  let step = FINE_BLOCK >> level;
  for (var t = lane; ; t += LANES) {
    var j: u32;
    if (level == 0u) {
      // block ends 0, FINE_BLOCK, 2·FINE_BLOCK, … and n
      if (t * FINE_BLOCK >= n + FINE_BLOCK) { break; }
      j = min(t * FINE_BLOCK, n);
      if (j == 0u && w0 > 0u) { continue; }
    } else {
      j = step * (2u * t + 1u);
      if (j >= n) { break; }
      let a = j - step;
      let b = min(j + step, min((j / FINE_BLOCK + 1u) * FINE_BLOCK, n));
      let p = o + d * fineZ[fBase + j];
      if (interpolate && occupied(p) && smoothBetween(fBase, a, b)) {
        let za = fineZ[fBase + a];
        let zb = fineZ[fBase + b];
        fineOut[fBase + j] = mix(fineOut[fBase + a], fineOut[fBase + b], (fineZ[fBase + j] - za) / max(zb - za, 1e-12));
        continue;
      }
    }
    fineOut[fBase + j] = query(o + d * fineZ[fBase + j]);
  }
}
