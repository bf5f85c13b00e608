// Shared by the EpigrafSampleTriplane WebGPU programs (prepended to each): where point (b, q) falls on plane k,
// in texel units with align_corners = True. tfjs generates the bindings around this code: `result` (output),
// the inputs named by the program's variableNames (`planes` [N, R, R, 3·C], `points` [N, P, 3], `dy`), and
// `uniforms` with invScale (1 / cubeScale), res (R), chans (C), numPoints (P) and count (threads needed).

fn planeAxes(k: i32) -> vec2<i32> {
  if (k == 0) { return vec2<i32>(0, 1); }
  if (k == 1) { return vec2<i32>(0, 2); }
  return vec2<i32>(1, 2);
}

fn planeCoord(pointIndex: i32, k: i32) -> vec2<f32> {
  let ax = planeAxes(k);
  let half = f32(uniforms.res - 1) * 0.5;
  let u = points[pointIndex * 3 + ax.x] * uniforms.invScale;
  let v = points[pointIndex * 3 + ax.y] * uniforms.invScale;
  return vec2<f32>((u + 1.0) * half, (v + 1.0) * half);
}

fn tapInside(xi: i32, yi: i32) -> bool {
  return xi >= 0 && xi <= uniforms.res - 1 && yi >= 0 && yi <= uniforms.res - 1;
}

// Offset of channel 0 of plane k at texel (xi, yi) of batch item b.
fn texelBase(b: i32, xi: i32, yi: i32, k: i32) -> i32 {
  return ((b * uniforms.res + yi) * uniforms.res + xi) * 3 * uniforms.chans + k * uniforms.chans;
}
