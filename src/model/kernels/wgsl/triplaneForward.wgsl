// EpigrafSampleTriplane forward: one thread per output feature (b, q, c) of [N, P, C]; bilinear lookups on
// the three planes (zeros outside), averaged. Inputs: planes, points.

fn main(index: i32) {
  if (index >= uniforms.count) { return; }
  let c = index % uniforms.chans;
  let pointIndex = index / uniforms.chans;
  let b = pointIndex / uniforms.numPoints;
  var acc = 0.0;
  for (var k = 0; k < 3; k++) {
    let pc = planeCoord(pointIndex, k);
    let p0 = floor(pc);
    let f = pc - p0;
    for (var t = 0; t < 4; t++) {
      let dx = t & 1;
      let dy = t >> 1u;
      let xi = i32(p0.x) + dx;
      let yi = i32(p0.y) + dy;
      if (!tapInside(xi, yi)) { continue; }
      let wx = select(1.0 - f.x, f.x, dx == 1);
      let wy = select(1.0 - f.y, f.y, dy == 1);
      acc += wx * wy * planes[texelBase(b, xi, yi, k) + c];
    }
  }
  setOutputAtIndex(index, acc / 3.0);
}
