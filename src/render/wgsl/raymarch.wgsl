// Volume rendering of a tri-plane — the WGSL twin of renderReference (src/render/reference.ts).
//
// A workgroup marches RAYS neighbouring pixels of one row (of the band frame.rowStart … rowEnd that this dispatch
// draws: a frame may be drawn in several), LANES invocations per ray, which decode a ray's
// samples side by side: one invocation per pixel would leave a GPU mostly idle on small frames. With several
// lanes a ray's sample arrays live in workgroup memory and a lane of each ray (lane 0) does the short sequential
// steps. With one lane (large frames on a GPU, and software adapters) they are the invocation's own (private)
// arrays: workgroup memory would cap the rays in flight, and one invocation per pixel already fills a GPU there.
//
// Per ray: coarse depths are linspace(near, far, S), jittered inside their mid-point bins unless FLAG_DET, and
// decoded LANES at a time (tri-plane + decoder). The coarse weights (+1e-5, inner S−2 of them) define a
// piecewise-linear inverse CDF over the bin mid-points, from which K fine depths are drawn with sorted u
// (linspace(0, 1) when FLAG_DET, stratified jitter otherwise); the fine samples are drawn and decoded a window
// of FINE_WINDOW at a time (fineSamples.wgsl), and lane 0 merges them with the coarse ones in depth order and
// composites front to back with δ to the next sample (the last δ is frame.lastDelta; composite.wgsl). Random
// numbers are a hash of (pixel, frame, seed, sample), so lanes draw them in any order. The background is left
// to the background pass (background.wgsl): this pass writes, per pixel, the weight it gets — the
// transmittance in front of the last foreground sample.
//
// Empty-space skipping (FLAG_OCCUPANCY): samples inside cells that the occupancy grid marks empty are not
// decoded (σ taken as 0); samples outside the scene box are skipped when the decoder's density of the zero
// feature is negligible (frame.outsideEmpty); a ray stops taking coarse samples after the chunk of LANES in
// which T fell below T_EPS, and stops compositing (and decoding fine windows) once T < T_EPS; an opaque
// foreground gives the background weight 0, so that it is not evaluated. With FLAG_INTERPOLATE too, fine
// samples on smooth stretches are interpolated from their decoded neighbours instead of decoded.
//
// Injected depths (FLAG_INJECT, never with FLAG_OCCUPANCY): the S coarse and K fine depths of each pixel (fine
// ones sorted per ray) are read, as f32 bits, from the occupancy binding instead of being drawn — to reproduce a
// given stochastic render exactly. (Sharing the binding saves one of the 8 storage buffers a stage may bind.)
//
// Bindings: 0 uniform Frame; 1 planes (PlaneArray, floats NHWC [R, R, 3C]); 2 decoder weights; 3 output background weight
// (f32 per pixel, 0 = no background); 4 occupancy (u32 per cell, 1 = may hold density; or the injected depths);
// 5 output rgba (foreground rgb, opacity); 6 output depth; 7 atomic counter of decoder evaluations.
// RAYS, LANES, COARSE_STRIDE and FINE_WINDOW come from raymarchPass.ts (marchTile), sized to the device's
// workgroup memory, and so do the sample arrays' address space MARCH_MEMORY (workgroup, or private when LANES = 1:
// replaced in the text, as WGSL has no alias for an address space) and RAY_SLOTS, the rays they hold (RAYS or 1);
// laneSync and anyRayLive come from laneSync.wgsl, or from laneSyncSolo.wgsl (no barriers) when LANES = 1.
// Invocation i serves ray i mod RAYS as lane i / RAYS: the rays' lane 0s, which do the sequential steps, are
// neighbours, so they share a subgroup (SIMD vector) instead of idling one each.

@group(0) @binding(0) var<uniform> frame: Frame;
@group(0) @binding(1) var<storage, read> planes: PlaneArray;
@group(0) @binding(2) var<DECODER_SPACE> decW: DecoderWeights;
@group(0) @binding(3) var<storage, read_write> bgWeight: array<f32>;
@group(0) @binding(4) var<storage, read> occupancy: array<u32>;
@group(0) @binding(5) var<storage, read_write> outRgba: array<vec4f>;
@group(0) @binding(6) var<storage, read_write> outDepth: array<f32>;
@group(0) @binding(7) var<storage, read_write> evalCounter: atomic<u32>;

/// Raw output standing for "no density here" (softplus(−1e30) = 0); also marks a sample as not decoded.
const EMPTY = vec4f(0.0, 0.0, 0.0, -1e30);
/// Transmittance below which the rest of a ray cannot change the pixel by more than ~1e-3 (skipping only).
const T_EPS = 1e-3;

// Per ray slot s: coarse samples at s·COARSE_STRIDE, the window of fine samples at s·(FINE_WINDOW + 1). Both
// strides are odd, so that the rays' lane 0s, neighbours in a subgroup, read different workgroup memory banks.
var<MARCH_MEMORY> coarseZ: array<f32, RAY_SLOTS * COARSE_STRIDE>;
var<MARCH_MEMORY> coarseOut: array<vec4f, RAY_SLOTS * COARSE_STRIDE>;
var<MARCH_MEMORY> cdf: array<f32, RAY_SLOTS * COARSE_STRIDE>;
var<MARCH_MEMORY> fineZ: array<f32, RAY_SLOTS * (FINE_WINDOW + 1u)>;
var<MARCH_MEMORY> fineOut: array<vec4f, RAY_SLOTS * (FINE_WINDOW + 1u)>;
/// 1 while ray slot s still takes samples.
var<MARCH_MEMORY> rayLive: array<u32, RAY_SLOTS>;
var<workgroup> groupLive: u32;

/// Decoder evaluations by this invocation.
var<private> evals: u32;
/// The hash key of this invocation's pixel and frame.
var<private> rayKey: u32;

fn hashU32(x: u32) -> u32 {
  let s = x * 747796405u + 2891336453u;
  let w = ((s >> ((s >> 28u) + 4u)) ^ s) * 277803737u;
  return (w >> 22u) ^ w;
}

/// Uniform in [0, 1) for sample i of stream 0 (coarse jitter) or 1 (fine u) of this pixel.
fn random01(stream: u32, i: u32) -> f32 {
  return f32(hashU32(rayKey ^ hashU32(2u * i + stream)) >> 8u) / 16777216.0;
}

/// Whether a world point may hold density (empty-space skipping).
fn occupied(p: vec3f) -> bool {
  if ((frame.flags & FLAG_OCCUPANCY) == 0u) { return true; }
  let q = p / CUBE_SCALE;
  if (any(q < vec3f(-1.0)) || any(q > vec3f(1.0))) { return frame.outsideEmpty == 0u; }
  let g = f32(frame.gridRes);
  let cell = min(vec3u((q + 1.0) * 0.5 * g), vec3u(frame.gridRes - 1u));
  return occupancy[(cell.z * frame.gridRes + cell.y) * frame.gridRes + cell.x] != 0u;
}

/// Decodes a point, or returns EMPTY in empty space.
fn query(p: vec3f) -> vec4f {
  if (!occupied(p)) { return EMPTY; }
  evals += 1u;
  return queryTriplane(p);
}

/// Coarse depth i of a pixel: linspace, jittered inside its mid-point bin, or injected.
fn coarseDepth(pix: u32, i: u32) -> f32 {
  let S = frame.coarse;
  if ((frame.flags & FLAG_INJECT) != 0u) { return bitcast<f32>(occupancy[pix * (S + frame.fine) + i]); }
  let z = linspaceAt(frame.near, frame.far, i, S);
  if ((frame.flags & FLAG_DET) != 0u) { return z; }
  let lo = select(0.5 * (linspaceAt(frame.near, frame.far, i - 1u, S) + z), z, i == 0u);
  let hi = select(0.5 * (z + linspaceAt(frame.near, frame.far, i + 1u, S)), z, i == S - 1u);
  return lo + (hi - lo) * random01(0u, i);
}

fn coarseDelta(base: u32, i: u32) -> f32 {
  let S = frame.coarse;
  return select(coarseZ[base + min(i + 1u, S - 1u)] - coarseZ[base + i], frame.lastDelta, i == S - 1u);
}

/// Lane 0: the inverse CDF of the coarse weights over the bin mid-points (samplePdf in volume.ts) into cdf.
/// Weights get +1e-5 as the official code adds, and +1e-5 again inside sample_pdf; inner S − 2 of them.
fn buildCdf(base: u32) {
  let S = frame.coarse;
  var w = emptyAccumulator();
  var total = 0.0;
  for (var i = 0u; i < S; i++) {
    let wi = composite(&w, coarseOut[base + i], coarseZ[base + i], coarseDelta(base, i), frame.densityShift);
    if (i >= 1u && i + 1u < S) {
      // inner weight i − 1, kept at cdf[i] until the running sum below replaces it
      cdf[base + i] = (wi + 1e-5) + 1e-5;
      total += cdf[base + i];
    }
  }
  cdf[base] = 0.0;
  var run = 0.0;
  for (var j = 0u; j + 2u < S; j++) {
    run += cdf[base + j + 1u] / total;
    cdf[base + j + 1u] = run;
  }
}

// Lane 0's compositing state: the merged samples so far, the next coarse index, and the sample waiting for
// its δ (the next sample's depth).
var<private> acc: Accumulator;
var<private> nextCoarse: u32;
var<private> havePrev: bool;
var<private> prevZ: f32;
var<private> prevOut: vec4f;

/// Lane 0: composites, in depth order, the fine samples [w0, kEnd) of the window starting at fine index w0
/// (window entry k − w0) together with the coarse samples in front of them, and with `last` the remaining
/// coarse samples and the final sample's δ = frame.lastDelta. Returns false once the ray is opaque (with
/// skipping).
fn mergeSamples(cBase: u32, fBase: u32, w0: u32, kEnd: u32, last: bool) -> bool {
  let S = frame.coarse;
  let skipping = (frame.flags & FLAG_OCCUPANCY) != 0u;
  var a = acc;
  var k = w0;
  var opaque = false;
  loop {
    let haveFine = k < kEnd;
    if (!haveFine && (!last || nextCoarse >= S)) { break; }
    var z: f32;
    var out: vec4f;
    if (nextCoarse < S && (!haveFine || coarseZ[cBase + nextCoarse] <= fineZ[fBase + k - w0])) {
      z = coarseZ[cBase + nextCoarse];
      out = coarseOut[cBase + nextCoarse];
      nextCoarse++;
    } else {
      z = fineZ[fBase + k - w0];
      out = fineOut[fBase + k - w0];
      k++;
    }
    if (havePrev) { _ = composite(&a, prevOut, prevZ, z - prevZ, frame.densityShift); }
    havePrev = true;
    prevZ = z;
    prevOut = out;
    if (skipping && a.T < T_EPS) {
      havePrev = false;
      opaque = true;
      break;
    }
  }
  if (last && havePrev) { _ = composite(&a, prevOut, prevZ, frame.lastDelta, frame.densityShift); }
  acc = a;
  return !opaque;
}

@compute @workgroup_size(RAYS * LANES)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let r = lid % RAYS;
  let lane = lid / RAYS;
  let px = wg.x * RAYS + r;
  let py = frame.rowStart + wg.y;
  let inFrame = px < frame.width && py < frame.rowEnd;
  let pix = py * frame.width + px;
  rayKey = hashU32(pix * 9781u + frame.frameIndex * 6271u + frame.seed * 26699u + 1u);
  evals = 0u;
  let skipping = (frame.flags & FLAG_OCCUPANCY) != 0u;
  let bgOnly = (frame.flags & FLAG_BG_ONLY) != 0u;
  let S = frame.coarse;
  let K = frame.fine;
  let d = rayDirection(px, py);
  let o = frame.origin;
  let slot = r % RAY_SLOTS;
  let cBase = slot * COARSE_STRIDE;
  let fBase = slot * (FINE_WINDOW + 1u);

  acc = emptyAccumulator();
  nextCoarse = 0u;
  havePrev = false;
  var marching = inFrame && !bgOnly;
  if (lane == 0u) { rayLive[slot] = select(0u, 1u, marching); }

  if (!bgOnly) {
    for (var i = lane; i < S && marching; i += LANES) {
      coarseZ[cBase + i] = coarseDepth(pix, i);
      coarseOut[cBase + i] = EMPTY;
    }
    // Coarse samples, LANES at a time; with skipping, lane 0 follows the transmittance after each chunk, the
    // ray stops once it is opaque, and the workgroup once all its rays have (without skipping rayLive stays put,
    // so the loop needs no barrier).
    var Tc = 1.0;
    for (var c = 0u; c < S; c += LANES) {
      if (skipping && !anyRayLive(lid)) { break; }
      let i = c + lane;
      if (rayLive[slot] != 0u && i < S) { coarseOut[cBase + i] = query(o + d * coarseZ[cBase + i]); }
      if (!skipping) { continue; }
      laneSync();
      if (lane == 0u && rayLive[slot] != 0u) {
        for (var j = c; j < min(c + LANES, S); j++) {
          Tc *= exp(-coarseDelta(cBase, j) * softplus(coarseOut[cBase + j].w + frame.densityShift));
        }
        if (Tc < T_EPS) { rayLive[slot] = 0u; }
      }
    }
    laneSync();
    if (lane == 0u) {
      rayLive[slot] = select(0u, 1u, marching);
      if (marching && K > 0u) { buildCdf(cBase); }
    }

    // Fine samples, a window at a time; lane 0 composites each window while the others wait.
    for (var w0 = 0u; w0 < K; w0 += FINE_WINDOW) {
      let n = min(w0 + FINE_WINDOW, K - 1u) - w0;
      laneSync();
      let live = rayLive[slot] != 0u;
      if (live) { drawFineWindow(pix, cBase, fBase, w0, n, lane); }
      laneSync();
      for (var level = 0u; level <= FINE_LEVELS; level++) {
        if (live) { decodeFineLevel(o, d, fBase, w0, n, level, lane); }
        laneSync();
      }
      if (lane == 0u && live) {
        marching = mergeSamples(cBase, fBase, w0, min(w0 + FINE_WINDOW, K), w0 + FINE_WINDOW >= K);
        if (!marching) { rayLive[slot] = 0u; }
        // The window's last entry is the next window's first.
        fineZ[fBase] = fineZ[fBase + n];
        fineOut[fBase] = fineOut[fBase + n];
      }
    }
    if (lane == 0u && marching && K == 0u) { marching = mergeSamples(cBase, fBase, 0u, 0u, true); }
  }

  if (evals > 0u) { atomicAdd(&evalCounter, evals); }
  if (lane != 0u || !inFrame) { return; }
  // The background pass (background.wgsl) adds the background behind this, weighted by bgWeight, and blends
  // the result into the accumulation buffer.
  var rgb = acc.rgb;
  if ((frame.flags & FLAG_WHITE_BACK) != 0u && !bgOnly) { rgb += vec3f(1.0 - acc.opacity); }
  let useBg = (frame.flags & FLAG_BG_MODEL) != 0u && (frame.flags & FLAG_IGNORE_BG) == 0u;
  // With skipping, an opaque foreground hides the background entirely: it is not evaluated.
  let hidden = skipping && !bgOnly && acc.finalT < T_EPS;
  bgWeight[pix] = select(0.0, select(acc.finalT, 1.0, bgOnly), (useBg || bgOnly) && !hidden);
  outRgba[pix] = vec4f(rgb, acc.opacity);
  outDepth[pix] = acc.depth;
}
