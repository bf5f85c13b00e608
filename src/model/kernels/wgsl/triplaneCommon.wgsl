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

// Bilinear tap t (0..3: dx = t & 1, dy = t >> 1) of a point at texel coordinate pc on plane k of item b.
struct Tap {
  inside: bool,
  base: i32, // texelBase of the tap (valid when inside)
  wx: f32,
  wy: f32,
  sx: f32, // d wx / d pc.x
  sy: f32, // d wy / d pc.y
}

fn bilinearTap(pc: vec2<f32>, t: i32, b: i32, k: i32) -> Tap {
  let p0 = floor(pc);
  let f = pc - p0;
  let dx = t & 1;
  let dy = t >> 1u;
  let xi = i32(p0.x) + dx;
  let yi = i32(p0.y) + dy;
  var tap: Tap;
  tap.inside = tapInside(xi, yi);
  tap.base = select(0, texelBase(b, xi, yi, k), tap.inside);
  tap.wx = select(1.0 - f.x, f.x, dx == 1);
  tap.wy = select(1.0 - f.y, f.y, dy == 1);
  tap.sx = select(-1.0, 1.0, dx == 1);
  tap.sy = select(-1.0, 1.0, dy == 1);
  return tap;
}
