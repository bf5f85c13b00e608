// Fine (importance) samples of one ray for the raymarch pass: drawn from the coarse inverse CDF and decoded in
// blocks of FINE_BLOCK + 1 consecutive samples (the last shared with the next block), so that with empty-space
// skipping the samples inside a block can be interpolated instead of decoded where the ray is smooth.
//
// Why interpolation is safe there: at an opaque surface the importance samples crowd into one coarse bin,
// far below the tri-plane texel size (tiny preset at 64² planes: fine spacing ≈ 0.0009 vs texel ≈ 0.015 world
// units), where the decoder output is a smooth function of depth except at the density onset. A block is
// refined by bisection: the middle sample is interpolated (linearly in depth, raw outputs) from the two
// samples bracketing it when both were decoded, they are at most half a texel apart, and they agree — density
// difference × gap ≤ TAU_SIGMA (optical depth) and, weighted by the bracket's opacity min(1, σ·gap), colour
// difference ≤ TAU_RGB (raw) — otherwise it is decoded. Samples in empty occupancy cells are never decoded.
// Without FLAG_INTERPOLATE (set only with skipping) every sample is decoded, in the same order of random
// draws, so the image is unchanged.
//
// Uses from raymarch.wgsl: frame, occupancy, pcg, linspaceAt, occupied, softplus, evals, EMPTY, flags.

const FINE_BLOCK = 8u;
/// Largest gap interpolated across: half a tri-plane texel in world units.
const INTERP_GAP = CUBE_SCALE / f32(PLANE_RES - 1u);
const TAU_SIGMA = 0.2;
const TAU_RGB = 0.05;

var<private> fineCursor: u32;
var<private> blockZ: array<f32, FINE_BLOCK + 1u>;
var<private> blockOut: array<vec4f, FINE_BLOCK + 1u>;
/// Bit j: blockOut[j] was decoded (or interpolated from decoded samples), not skipped as empty.
var<private> blockDecoded: u32;
/// Fine index of blockZ[0], and the last valid entry.
var<private> blockBase: u32;
var<private> blockLast: u32;

/// Depth of fine sample k (samplePdf in volume.ts); called once per k in increasing k, since the inverse-CDF
/// cursor only moves forward and u is drawn from the ray's random stream once per k.
fn fineDepth(k: u32, zc: ptr<function, array<f32, MAX_COARSE>>, cdf: ptr<function, array<f32, MAX_COARSE>>, injBase: u32) -> f32 {
  let S = frame.coarse;
  let K = frame.fine;
  if ((frame.flags & FLAG_INJECT) != 0u) { return bitcast<f32>(occupancy[injBase + S + k]); }
  var u: f32;
  if ((frame.flags & FLAG_DET) != 0u) { u = linspaceAt(0.0, 1.0, k, K); }
  else { u = (f32(k) + pcg()) / f32(K); }
  while (fineCursor < S - 1u && (*cdf)[fineCursor] < u) { fineCursor++; }
  let below = select(fineCursor - 1u, 0u, fineCursor == 0u);
  let above = min(fineCursor, S - 2u);
  let cb = (*cdf)[below];
  let ca = (*cdf)[above];
  let bb = 0.5 * ((*zc)[below] + (*zc)[below + 1u]);
  let ba = 0.5 * ((*zc)[above] + (*zc)[above + 1u]);
  var denom = ca - cb;
  if (denom < 1e-5) { denom = 1.0; }
  return bb + (u - cb) / denom * (ba - bb);
}

fn decodeEntry(j: u32, p: vec3f) {
  if (occupied(p)) {
    evals += 1u;
    blockOut[j] = queryTriplane(p);
    blockDecoded |= 1u << j;
  } else {
    blockOut[j] = EMPTY;
  }
}

/// Whether the samples between block entries a and b may be interpolated from them.
fn smoothBetween(a: u32, b: u32) -> bool {
  if (((blockDecoded >> a) & (blockDecoded >> b) & 1u) == 0u) { return false; }
  let gap = blockZ[b] - blockZ[a];
  if (gap > INTERP_GAP) { return false; }
  let sa = softplus(blockOut[a].w + frame.densityShift);
  let sb = softplus(blockOut[b].w + frame.densityShift);
  let dc = abs(blockOut[a].xyz - blockOut[b].xyz);
  return abs(sa - sb) * gap <= TAU_SIGMA && min(1.0, max(sa, sb) * gap) * max(dc.x, max(dc.y, dc.z)) <= TAU_RGB;
}

/// Makes fine sample k available as blockZ/blockOut[k − blockBase]; k goes 0, 1, …, K − 1 in order.
/// The decoder is called from one place only (the task loop below): shader compilers inline every call site,
/// so each extra call would be another copy of the unrolled decoder to compile.
fn ensureFine(k: u32, o: vec3f, d: vec3f, zc: ptr<function, array<f32, MAX_COARSE>>, cdf: ptr<function, array<f32, MAX_COARSE>>, injBase: u32) {
  let K = frame.fine;
  let first = k == 0u;
  if (first) {
    fineCursor = 0u;
    blockBase = 0u;
    blockLast = 0u;
    blockDecoded = 0u;
    blockZ[0] = fineDepth(0u, zc, cdf, injBase);
  }
  let advance = k == blockBase + blockLast && k + 1u < K;
  if (!first && !advance) { return; }
  if (advance) {
    // Next block: its first entry is the current block's last (at k = 0, entry 0, decoded below).
    if (!first) {
      blockZ[0] = blockZ[blockLast];
      blockOut[0] = blockOut[blockLast];
      blockDecoded = (blockDecoded >> blockLast) & 1u;
    }
    blockBase = k;
    blockLast = min(FINE_BLOCK, K - 1u - k);
    for (var j = 1u; j <= blockLast; j++) { blockZ[j] = fineDepth(k + j, zc, cdf, injBase); }
  }
  let interpolate = (frame.flags & FLAG_INTERPOLATE) != 0u;
  // Tasks: 0 = entry 0 of the first block; 1 = the block's last entry; then bisection in breadth-first order
  // (FINE_BLOCK/2; FINE_BLOCK/4, 3·FINE_BLOCK/4; …): each entry is filled from its two neighbours one level
  // up (or the last entry), which earlier tasks filled.
  for (var t = select(1u, 0u, first); t <= FINE_BLOCK; t++) {
    var j = 0u;
    if (t > 0u) {
      if (!advance) { break; }
      j = blockLast;
    }
    if (t > 1u) {
      let n = t - 1u;
      let level = firstLeadingBit(n);
      let step = FINE_BLOCK >> (level + 1u);
      j = step * (2u * (n - (1u << level)) + 1u);
      if (j >= blockLast) { continue; }
      let a = j - step;
      let b = min(j + step, blockLast);
      if (interpolate && occupied(o + d * blockZ[j]) && smoothBetween(a, b)) {
        blockOut[j] = mix(blockOut[a], blockOut[b], (blockZ[j] - blockZ[a]) / max(blockZ[b] - blockZ[a], 1e-12));
        blockDecoded |= 1u << j;
        continue;
      }
    }
    decodeEntry(j, o + d * blockZ[j]);
  }
}
