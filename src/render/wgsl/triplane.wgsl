// Tri-plane lookup and decoder MLP — the WGSL twin of sampleTriplane + decodeFeatures (src/model/triplane.ts).
//
// A world point is divided by CUBE_SCALE; plane 0 is indexed by (x, y), plane 1 by (x, z), plane 2 by (y, z),
// the first coordinate along the plane's width; bilinear with align_corners = True and zeros outside; the
// three features are averaged. The decoder is a chain of FCs (weights pre-multiplied by their equalised-lr
// gain, row-major [out, in] then bias [out]), lrelu·√2 between layers, raw (R, G, B, σ) out.
//
// Needs from the including pass: `planes` (storage, f32, NHWC [R, R, 3·C]), `decW` (storage, f32) and the
// constants C, PLANE_RES, CUBE_SCALE, DEC_LAYERS, DEC_DIMS, MAXW (prepended from the model config).

fn lrelu(x: f32) -> f32 {
  return select(0.2 * x, x, x >= 0.0);
}

fn planeFeatures(q: vec3f, plane: u32, f: ptr<function, array<f32, MAXW>>) {
  var uv: vec2f;
  if (plane == 0u) { uv = q.xy; } else if (plane == 1u) { uv = q.xz; } else { uv = q.yz; }
  let r = f32(PLANE_RES);
  let p = (uv + 1.0) * ((r - 1.0) / 2.0);
  let p0 = floor(p);
  let fr = p - p0;
  for (var corner = 0u; corner < 4u; corner++) {
    let d = vec2f(f32(corner & 1u), f32(corner >> 1u));
    let xy = p0 + d;
    if (xy.x < 0.0 || xy.y < 0.0 || xy.x > r - 1.0 || xy.y > r - 1.0) { continue; }
    let w2 = select(1.0 - fr, fr, d == vec2f(1.0));
    let w = w2.x * w2.y;
    let base = ((u32(xy.y) * PLANE_RES + u32(xy.x)) * 3u + plane) * C;
    for (var c = 0u; c < C; c++) {
      (*f)[c] += w * planes[base + c];
    }
  }
}

/// Mean tri-plane feature at a world point.
fn sampleTriplane(p: vec3f) -> array<f32, MAXW> {
  var f: array<f32, MAXW>;
  let q = p / CUBE_SCALE;
  planeFeatures(q, 0u, &f);
  planeFeatures(q, 1u, &f);
  planeFeatures(q, 2u, &f);
  for (var c = 0u; c < C; c++) { f[c] = f[c] / 3.0; }
  return f;
}

/// Decoder MLP on a feature vector → raw (R, G, B, σ).
fn decodeFeatures(feat: array<f32, MAXW>) -> vec4f {
  var act = feat;
  var off = 0u;
  for (var l = 0u; l < DEC_LAYERS; l++) {
    let nin = DEC_DIMS[l];
    let nout = DEC_DIMS[l + 1u];
    var nxt: array<f32, MAXW>;
    for (var o = 0u; o < nout; o++) {
      var s = decW[off + nout * nin + o];
      for (var i = 0u; i < nin; i++) { s += decW[off + o * nin + i] * act[i]; }
      if (l + 1u < DEC_LAYERS) { s = lrelu(s) * 1.4142135623730951; }
      nxt[o] = s;
    }
    act = nxt;
    off += nout * nin + nout;
  }
  return vec4f(act[0], act[1], act[2], act[3]);
}

fn queryTriplane(p: vec3f) -> vec4f {
  return decodeFeatures(sampleTriplane(p));
}
