// Background: NeRF++ inverse-sphere points and the w-modulated INR — the WGSL twin of inverseSpherePoints
// (src/render/camera.ts) and backgroundInr (src/model/background.ts).
//
// The INR's weights arrive already modulated and demodulated for the current latent (packed once per w by
// src/render/gpuWeights.ts), so per sample it is a plain MLP: Fourier features of (x′, y′, z′, 1/r) with
// frequencies π·2^k → blocks of lrelu·√2 layers (1 in block 0, 2 in the others), each block adding its own
// linear 4-channel output. Layout of `bgW`: per layer [out, in] row-major then bias [out], in evaluation order.
//
// Needs: `bgW` (storage, f32) and constants BG_BLOCKS, BG_W, BG_F, BG_IN, BG_MAXW, BG_PERIOD, BG_COEFS.

/// (x′, y′, z′, q) for a ray from o (inside the unit sphere) along unit d, at inverse depth q.
fn inverseSpherePoint(o: vec3f, d: vec3f, q: f32) -> vec4f {
  let dd = dot(d, d);
  let d1 = -dot(d, o) / dd;
  let pMid = o + d1 * d;
  let pm = min(length(pMid), 1.0);
  let d2 = sqrt(1.0 - pm * pm) / sqrt(dd);
  let ps = o + (d1 + d2) * d;
  var axis = cross(o, ps);
  let an = length(axis);
  var p = ps;
  if (an >= 1e-12) {
    axis = axis / an;
    let ang = asin(pm) - asin(pm * q);
    let c = cos(ang);
    let s = sin(ang);
    p = ps * c + cross(axis, ps) * s + axis * dot(axis, ps) * (1.0 - c);
  }
  return vec4f(normalize(p), q);
}

/// Raw (R, G, B, σ) of the background INR at an inverse-sphere point.
fn backgroundQuery(pt: vec4f) -> vec4f {
  var x: array<f32, BG_MAXW>;
  for (var d = 0u; d < 4u; d++) {
    for (var k = 0u; k < BG_F; k++) {
      let raw = (pt[d] * BG_PERIOD) * BG_COEFS[k];
      x[d * 2u * BG_F + k] = sin(raw);
      x[d * 2u * BG_F + BG_F + k] = cos(raw);
    }
  }
  var out = vec4f(0.0);
  var off = 0u;
  var nin = BG_IN;
  for (var b = 0u; b < BG_BLOCKS; b++) {
    let layers = select(2u, 1u, b == 0u);
    for (var l = 0u; l < layers; l++) {
      var nxt: array<f32, BG_MAXW>;
      for (var o = 0u; o < BG_W; o++) {
        var s = bgW[off + BG_W * nin + o];
        for (var i = 0u; i < nin; i++) { s += bgW[off + o * nin + i] * x[i]; }
        nxt[o] = lrelu(s) * 1.4142135623730951;
      }
      x = nxt;
      off += BG_W * nin + BG_W;
      nin = BG_W;
    }
    for (var o = 0u; o < 4u; o++) {
      var s = bgW[off + 4u * BG_W + o];
      for (var i = 0u; i < BG_W; i++) { s += bgW[off + o * BG_W + i] * x[i]; }
      out[o] += s;
    }
    off += 4u * BG_W + 4u;
  }
  return out;
}
