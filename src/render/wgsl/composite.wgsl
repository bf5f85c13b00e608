// Front-to-back alpha compositing of raw (R, G, B, σ) samples — the WGSL twin of integrate() in
// src/render/volume.ts, shared by the foreground march and the background steps: σ = softplus(raw + shift),
// α = 1 − exp(−δσ), weight α·T, T ← T·(1 − α + 1e-10).

fn softplus(x: f32) -> f32 {
  return select(log(1.0 + exp(x)), x, x > 20.0);
}

struct Accumulator {
  rgb: vec3f,
  depth: f32,
  opacity: f32,
  T: f32,
  finalT: f32,
}

fn emptyAccumulator() -> Accumulator {
  return Accumulator(vec3f(0.0), 0.0, 0.0, 1.0, 1.0);
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
