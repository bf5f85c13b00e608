// Per-pixel volume rendering of a tri-plane — the WGSL twin of renderReference (src/render/reference.ts).
//
// One invocation per pixel (8×8 workgroups). The ray comes from rayDirection (frame.wgsl); coarse
// depths are linspace(near, far, S), jittered inside their mid-point bins unless FLAG_DET; each coarse sample
// goes through the tri-plane + decoder; the coarse weights (+1e-5, inner S−2 of them) define a piecewise-
// linear inverse CDF over the bin mid-points, from which K fine depths are drawn with sorted u (linspace(0, 1)
// when FLAG_DET, stratified jitter otherwise) — so the fine depths arrive already sorted and are merged with
// the coarse ones on the fly instead of sorting. Compositing is front to back with δ to the next sample (the
// last δ is frame.lastDelta; composite.wgsl). The background is left to the background pass (background.wgsl):
// this pass writes, per pixel, the weight it gets — the transmittance in front of the last foreground sample.
//
// Empty-space skipping (FLAG_OCCUPANCY): samples inside cells that the occupancy grid marks empty are not
// decoded (σ taken as 0); samples outside the scene box are skipped when the decoder's density of the zero
// feature is negligible (frame.outsideEmpty); coarse decoding and marching stop once T < T_EPS, and an opaque
// foreground gives the background weight 0, so that it is not evaluated. With FLAG_INTERPOLATE too, fine
// samples on smooth stretches are interpolated from their decoded neighbours (fineSamples.wgsl) instead of
// decoded.
//
// Injected depths (FLAG_INJECT, never with FLAG_OCCUPANCY): the S coarse and K fine depths of each pixel (fine
// ones sorted per ray) are read, as f32 bits, from the occupancy binding instead of being drawn — to reproduce a
// given stochastic render exactly. (Sharing the binding saves one of the 8 storage buffers a stage may bind.)
//
// Bindings: 0 uniform Frame; 1 planes (PlaneArray, floats NHWC [R, R, 3C]); 2 decoder weights; 3 output background weight
// (f32 per pixel, 0 = no background); 4 occupancy (u32 per cell, 1 = may hold density; or the injected depths);
// 5 output rgba (foreground rgb, opacity); 6 output depth; 7 atomic counter of decoder evaluations.

@group(0) @binding(0) var<uniform> frame: Frame;
@group(0) @binding(1) var<storage, read> planes: PlaneArray;
@group(0) @binding(2) var<storage, read> decW: array<f32>;
@group(0) @binding(3) var<storage, read_write> bgWeight: array<f32>;
@group(0) @binding(4) var<storage, read> occupancy: array<u32>;
@group(0) @binding(5) var<storage, read_write> outRgba: array<vec4f>;
@group(0) @binding(6) var<storage, read_write> outDepth: array<f32>;
@group(0) @binding(7) var<storage, read_write> evalCounter: atomic<u32>;

var<private> rngState: u32;
var<private> evals: u32;

fn pcg() -> f32 {
  rngState = rngState * 747796405u + 2891336453u;
  var w = ((rngState >> ((rngState >> 28u) + 4u)) ^ rngState) * 277803737u;
  w = (w >> 22u) ^ w;
  return f32(w >> 8u) / 16777216.0;
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

/// Raw output standing for "no density here" (softplus(−1e30) = 0).
const EMPTY = vec4f(0.0, 0.0, 0.0, -1e30);
/// Transmittance below which the rest of a ray cannot change the pixel by more than ~1e-3 (skipping only).
const T_EPS = 1e-3;

fn query(p: vec3f) -> vec4f {
  if (!occupied(p)) { return EMPTY; }
  evals += 1u;
  return queryTriplane(p);
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= frame.width || gid.y >= frame.height) { return; }
  let pix = gid.y * frame.width + gid.x;
  rngState = pix * 9781u + frame.frameIndex * 6271u + frame.seed * 26699u + 1u;
  evals = 0u;
  let det = (frame.flags & FLAG_DET) != 0u;
  let skipping = (frame.flags & FLAG_OCCUPANCY) != 0u;

  let d = rayDirection(gid.x, gid.y);
  let o = frame.origin;

  var acc = emptyAccumulator();
  let S = frame.coarse;
  let K = frame.fine;
  let bgOnly = (frame.flags & FLAG_BG_ONLY) != 0u;

  if (!bgOnly) {
    // Coarse samples.
    var zc: array<f32, MAX_COARSE>;
    var oc: array<vec4f, MAX_COARSE>;
    let inject = (frame.flags & FLAG_INJECT) != 0u;
    let injBase = pix * (S + K);
    for (var i = 0u; i < S; i++) { zc[i] = select(linspaceAt(frame.near, frame.far, i, S), bitcast<f32>(occupancy[injBase + i]), inject); }
    if (!det && !inject) {
      var prev = zc[0];
      for (var i = 0u; i < S; i++) {
        let lo = select(0.5 * (prev + zc[i]), zc[i], i == 0u);
        let hi = select(0.5 * (zc[i] + zc[min(i + 1u, S - 1u)]), zc[i], i == S - 1u);
        prev = zc[i];
        zc[i] = lo + (hi - lo) * pcg();
      }
    }
    // With skipping, coarse samples behind an opaque front (T < T_EPS) are not decoded either.
    var Tc = 1.0;
    for (var i = 0u; i < S; i++) {
      if (skipping && Tc < T_EPS) { oc[i] = EMPTY; continue; }
      oc[i] = query(o + d * zc[i]);
      let delta = select(zc[min(i + 1u, S - 1u)] - zc[i], frame.lastDelta, i == S - 1u);
      Tc = Tc * exp(-delta * softplus(oc[i].w + frame.densityShift));
    }

    // Inverse CDF of the coarse weights over the bin mid-points (samplePdf in volume.ts).
    var cdf: array<f32, MAX_COARSE>;
    if (K > 0u) {
      // Coarse weights (+1e-5 as the official code adds; +1e-5 again inside sample_pdf), inner S − 2 of them.
      var w = emptyAccumulator();
      var inner: array<f32, MAX_COARSE>;
      var total = 0.0;
      for (var i = 0u; i < S; i++) {
        let delta = select(zc[min(i + 1u, S - 1u)] - zc[i], frame.lastDelta, i == S - 1u);
        let wi = composite(&w, oc[i], zc[i], delta, frame.densityShift);
        if (i >= 1u && i + 1u < S) {
          inner[i - 1u] = (wi + 1e-5) + 1e-5;
          total += inner[i - 1u];
        }
      }
      cdf[0] = 0.0;
      var run = 0.0;
      for (var j = 0u; j + 2u < S; j++) { run += inner[j] / total; cdf[j + 1u] = run; }
    }

    // Merge coarse and fine samples in depth order and composite.
    var i = 0u;
    var k = 0u;
    var havePrev = false;
    var prevZ = 0.0;
    var prevOut = vec4f(0.0);
    var zf = 3.4e38;
    var fineReady = false;
    loop {
      // The next fine depth (drawn once per k: u must not be re-drawn while coarse samples are taken).
      if (k < K && !fineReady) {
        ensureFine(k, o, d, &zc, &cdf, injBase);
        zf = blockZ[k - blockBase];
        fineReady = true;
      }
      if (i >= S && k >= K) { break; }
      var z: f32;
      var out: vec4f;
      if (i < S && (k >= K || zc[i] <= zf)) {
        z = zc[i];
        out = oc[i];
        i++;
      } else {
        z = zf;
        out = blockOut[k - blockBase];
        k++;
        fineReady = false;
      }
      if (havePrev) { _ = composite(&acc, prevOut, prevZ, z - prevZ, frame.densityShift); }
      havePrev = true;
      prevZ = z;
      prevOut = out;
      if (skipping && acc.T < T_EPS) { havePrev = false; break; }
    }
    if (havePrev) { _ = composite(&acc, prevOut, prevZ, frame.lastDelta, frame.densityShift); }
  }

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
  atomicAdd(&evalCounter, evals);
}
