// Background: NeRF++ inverse-sphere points — the WGSL twin of inverseSpherePoints (src/render/camera.ts).
//
// The points go through `bgInr`, the w-modulated INR (twin of backgroundInr, src/model/background.ts), generated
// by backgroundInrWgsl.ts: its weights arrive already modulated and demodulated for the current latent (packed
// once per w by src/render/gpuWeights.ts), so per sample it is a plain MLP: Fourier features of (x′, y′, z′, 1/r)
// with frequencies π·2^k → blocks of lrelu·√2 layers, each adding a linear 4-channel output.

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
