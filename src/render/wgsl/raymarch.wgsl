// Per-pixel volume rendering of a tri-plane — the WGSL twin of renderReference (src/render/reference.ts).
//
// One invocation per pixel (8×8 workgroups). The ray is generated exactly as rayDirections() does; coarse
// depths are linspace(near, far, S), jittered inside their mid-point bins unless FLAG_DET; each coarse sample
// goes through the tri-plane + decoder; the coarse weights (+1e-5, inner S−2 of them) define a piecewise-
// linear inverse CDF over the bin mid-points, from which K fine depths are drawn with sorted u (linspace(0, 1)
// when FLAG_DET, stratified jitter otherwise) — so the fine depths arrive already sorted and are merged with
// the coarse ones on the fly instead of sorting. Compositing is front to back with δ to the next sample (the
// last δ is frame.lastDelta), σ = softplus(raw + shift), α = 1 − exp(−δσ), T ← T·(1 − α + 1e-10).
// Then the background INR is integrated over its inverse-depth steps (last δ 1e10) and added behind the
// foreground with the transmittance in front of the last foreground sample.
//
// Empty-space skipping (FLAG_OCCUPANCY): samples inside cells that the occupancy grid marks empty are not
// decoded (σ taken as 0); samples outside the scene box are skipped when the decoder's density of the zero
// feature is negligible (frame.outsideEmpty); coarse decoding and marching stop once T < T_EPS, and the
// background is not evaluated behind an opaque foreground. With FLAG_INTERPOLATE too, fine samples on smooth
// stretches are interpolated from their decoded neighbours (fineSamples.wgsl) instead of decoded.
//
// Injected depths (FLAG_INJECT, never with FLAG_OCCUPANCY): the S coarse and K fine depths of each pixel (fine
// ones sorted per ray) are read, as f32 bits, from the occupancy binding instead of being drawn — to reproduce a
// given stochastic render exactly. (Sharing the binding keeps the pass within 8 storage buffers per stage.)
//
// Bindings: 0 uniform Frame; 1 planes (f32 NHWC [R, R, 3C]); 2 decoder weights; 3 background weights;
// 4 occupancy (u32 per cell, 1 = may hold density; or the injected depths); 5 output rgba (rgb, opacity); 6 output depth;
// 7 accumulation (rgba, blended with weight frame.blend); 8 atomic counter of decoder evaluations.

struct Frame {
  right: vec3f, tanHalfFov: f32,
  up: vec3f, near: f32,
  back: vec3f, far: f32,
  origin: vec3f, densityShift: f32,
  width: u32, height: u32, coarse: u32, fine: u32,
  bgSteps: u32, flags: u32, frameIndex: u32, seed: u32,
  jitter: vec2f, lastDelta: f32, bgStart: f32,
  patchWindow: vec4f,
  blend: f32, outsideEmpty: u32, gridRes: u32, pad: u32,
}

const FLAG_DET = 1u;
const FLAG_IGNORE_BG = 2u;
const FLAG_BG_ONLY = 4u;
const FLAG_WHITE_BACK = 8u;
const FLAG_OCCUPANCY = 16u;
const FLAG_BG_MODEL = 32u;
const FLAG_INJECT = 64u;
const FLAG_INTERPOLATE = 128u;

@group(0) @binding(0) var<uniform> frame: Frame;
@group(0) @binding(1) var<storage, read> planes: array<f32>;
@group(0) @binding(2) var<storage, read> decW: array<f32>;
@group(0) @binding(3) var<storage, read> bgW: array<f32>;
@group(0) @binding(4) var<storage, read> occupancy: array<u32>;
@group(0) @binding(5) var<storage, read_write> outRgba: array<vec4f>;
@group(0) @binding(6) var<storage, read_write> outDepth: array<f32>;
@group(0) @binding(7) var<storage, read_write> accum: array<vec4f>;
@group(0) @binding(8) var<storage, read_write> evalCounter: atomic<u32>;

var<private> rngState: u32;
var<private> evals: u32;

fn pcg() -> f32 {
  rngState = rngState * 747796405u + 2891336453u;
  var w = ((rngState >> ((rngState >> 28u) + 4u)) ^ rngState) * 277803737u;
  w = (w >> 22u) ^ w;
  return f32(w >> 8u) / 16777216.0;
}

fn softplus(x: f32) -> f32 {
  return select(log(1.0 + exp(x)), x, x > 20.0);
}

fn linspaceAt(a: f32, b: f32, i: u32, n: u32) -> f32 {
  if (n == 1u) { return a; }
  return a + (b - a) * f32(i) / f32(n - 1u);
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

struct Accumulator {
  rgb: vec3f,
  depth: f32,
  opacity: f32,
  T: f32,
  finalT: f32,
}

/// Adds one sample front to back; returns its weight α·T.
fn composite(acc: ptr<function, Accumulator>, out: vec4f, z: f32, delta: f32, shift: f32) -> f32 {
  let sigma = softplus(out.w + shift);
  let alpha = 1.0 - exp(-delta * sigma);
  let w = alpha * (*acc).T;
  (*acc).rgb += w * out.xyz;
  (*acc).depth += w * z;
  (*acc).opacity += w;
  (*acc).finalT = (*acc).T;
  (*acc).T = (*acc).T * (1.0 - alpha + 1e-10);
  return w;
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= frame.width || gid.y >= frame.height) { return; }
  let pix = gid.y * frame.width + gid.x;
  rngState = pix * 9781u + frame.frameIndex * 6271u + frame.seed * 26699u + 1u;
  evals = 0u;
  let det = (frame.flags & FLAG_DET) != 0u;
  let skipping = (frame.flags & FLAG_OCCUPANCY) != 0u;

  // Ray (rayDirections in camera.ts), with an optional sub-pixel jitter for progressive refinement.
  var x = linspaceAt(-1.0, 1.0, gid.x, frame.width) + frame.jitter.x * 2.0 / f32(max(frame.width - 1u, 1u));
  var y = linspaceAt(1.0, -1.0, gid.y, frame.height) - frame.jitter.y * 2.0 / f32(max(frame.height - 1u, 1u));
  x = (x + 1.0) * frame.patchWindow.x - 1.0 + 2.0 * frame.patchWindow.y;
  y = (y + 1.0) * frame.patchWindow.x - 1.0 + 2.0 * frame.patchWindow.z;
  let dc = normalize(vec3f(x, y, -1.0 / frame.tanHalfFov));
  let d = frame.right * dc.x + frame.up * dc.y + frame.back * dc.z;
  let o = frame.origin;

  var acc = Accumulator(vec3f(0.0), 0.0, 0.0, 1.0, 1.0);
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
      var w = Accumulator(vec3f(0.0), 0.0, 0.0, 1.0, 1.0);
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

  let whiteBack = (frame.flags & FLAG_WHITE_BACK) != 0u;
  var rgb = acc.rgb;
  if (whiteBack && !bgOnly) { rgb += vec3f(1.0 - acc.opacity); }
  let useBg = (frame.flags & FLAG_BG_MODEL) != 0u && (frame.flags & FLAG_IGNORE_BG) == 0u;
  // With skipping, an opaque foreground hides the background entirely: do not evaluate it.
  let hidden = skipping && !bgOnly && acc.finalT < T_EPS;
  if ((useBg || bgOnly) && !hidden) {
    var bg = Accumulator(vec3f(0.0), 0.0, 0.0, 1.0, 1.0);
    let Sb = frame.bgSteps;
    for (var s = 0u; s < Sb; s++) {
      let q = linspaceAt(frame.bgStart, 0.0, s, Sb);
      let qn = linspaceAt(frame.bgStart, 0.0, s + 1u, Sb);
      let delta = select(q - qn, 1e10, s == Sb - 1u);
      _ = composite(&bg, backgroundQuery(inverseSpherePoint(o, d, q)), -q, delta, 0.0);
    }
    var bgRgb = bg.rgb;
    if (whiteBack) { bgRgb += vec3f(1.0 - bg.opacity); }
    if (bgOnly) { rgb = bgRgb; } else { rgb += bgRgb * acc.finalT; }
  }

  let result = vec4f(rgb, acc.opacity);
  outRgba[pix] = result;
  outDepth[pix] = acc.depth;
  accum[pix] = mix(accum[pix], result, frame.blend);
  atomicAdd(&evalCounter, evals);
}
