// EpigrafSampleTriplane gradient with respect to the points: one thread per point (b, q), writing the three
// coordinates of [N, P, 3]. d(bilinear)/d(texel coordinate) per tap, dotted with dy over the channels.
// Inputs: dy [N, P, C], planes, points.

fn main(index: i32) {
  if (index >= uniforms.count) { return; }
  let b = index / uniforms.numPoints;
  let scale = f32(uniforms.res - 1) * 0.5 * uniforms.invScale / 3.0;
  var g = array<f32, 3>(0.0, 0.0, 0.0);
  for (var k = 0; k < 3; k++) {
    let pc = planeCoord(index, k);
    let p0 = floor(pc);
    let f = pc - p0;
    var gx = 0.0;
    var gy = 0.0;
    for (var t = 0; t < 4; t++) {
      let dx = t & 1;
      let dy_ = t >> 1u;
      let xi = i32(p0.x) + dx;
      let yi = i32(p0.y) + dy_;
      if (!tapInside(xi, yi)) { continue; }
      let base = texelBase(b, xi, yi, k);
      var dot = 0.0;
      for (var c = 0; c < uniforms.chans; c++) {
        dot += dy[index * uniforms.chans + c] * planes[base + c];
      }
      let wx = select(1.0 - f.x, f.x, dx == 1);
      let wy = select(1.0 - f.y, f.y, dy_ == 1);
      gx += select(-1.0, 1.0, dx == 1) * wy * dot;
      gy += wx * select(-1.0, 1.0, dy_ == 1) * dot;
    }
    let ax = planeAxes(k);
    g[ax.x] += gx * scale;
    g[ax.y] += gy * scale;
  }
  for (var j = 0; j < 3; j++) {
    setOutputAtIndex(index * 3 + j, g[j]);
  }
}
