// Tri-plane lookup and decoder MLP — the WGSL twin of sampleTriplane + decodeFeatures (src/model/triplane.ts).
//
// A world point is divided by CUBE_SCALE; plane 0 is indexed by (x, y), plane 1 by (x, z), plane 2 by (y, z),
// the first coordinate along the plane's width; bilinear with align_corners = True and zeros outside; the
// three features are averaged. The decoder `decodeFeatures` (a chain of FCs, weights pre-multiplied by their
// equalised-lr gain, lrelu·√2 between layers, raw (R, G, B, σ) out) is generated, four neurons at a time, by
// mlpWgsl.ts.
//
// Needs from the including pass: `planes` (storage, PlaneArray: NHWC [R, R, 3·C] floats), `decW` (DecoderWeights,
// declared `var<DECODER_SPACE>`) and the prelude (shaderPrelude.ts): constants C, C4, PLANE_RES, CUBE_SCALE,
// PlaneArray, texelChunk, DecoderWeights and decodeFeatures. decodingShader (shaderPrelude.ts) assembles such a pass.

fn lrelu4(x: vec4f) -> vec4f {
  return select(0.2 * x, x, x >= vec4f(0.0));
}

/// Mean tri-plane feature at a world point, channels packed by four (C4 = ⌈C / 4⌉). One loop over the planes
/// rather than a call per plane: compilers inline every call site.
fn sampleTriplane(p: vec3f) -> array<vec4f, C4> {
  var f: array<vec4f, C4>;
  let q = p / CUBE_SCALE;
  let r = f32(PLANE_RES);
  for (var plane = 0u; plane < 3u; plane++) {
    var uv: vec2f;
    if (plane == 0u) { uv = q.xy; } else if (plane == 1u) { uv = q.xz; } else { uv = q.yz; }
    let pc = (uv + 1.0) * ((r - 1.0) / 2.0);
    let p0 = floor(pc);
    let fr = pc - p0;
    for (var corner = 0u; corner < 4u; corner++) {
      let d = vec2f(f32(corner & 1u), f32(corner >> 1u));
      let xy = p0 + d;
      if (xy.x < 0.0 || xy.y < 0.0 || xy.x > r - 1.0 || xy.y > r - 1.0) { continue; }
      let w2 = select(1.0 - fr, fr, d == vec2f(1.0));
      let w = w2.x * w2.y;
      let base = ((u32(xy.y) * PLANE_RES + u32(xy.x)) * 3u + plane) * C;
      for (var c = 0u; c < C4; c++) { f[c] += w * texelChunk(base, 4u * c); }
    }
  }
  for (var c = 0u; c < C4; c++) { f[c] = f[c] / 3.0; }
  return f;
}

fn queryTriplane(p: vec3f) -> vec4f {
  return decodeFeatures(sampleTriplane(p));
}
