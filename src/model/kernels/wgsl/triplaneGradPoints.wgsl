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
    var gx = 0.0;
    var gy = 0.0;
    for (var t = 0; t < 4; t++) {
      let tap = bilinearTap(pc, t, b, k);
      if (!tap.inside) { continue; }
      var dot = 0.0;
      for (var c = 0; c < uniforms.chans; c++) {
        dot += dy[index * uniforms.chans + c] * planes[tap.base + c];
      }
      gx += tap.sx * tap.wy * dot;
      gy += tap.wx * tap.sy * dot;
    }
    let ax = planeAxes(k);
    g[ax.x] += gx * scale;
    g[ax.y] += gy * scale;
  }
  for (var j = 0; j < 3; j++) {
    setOutputAtIndex(index * 3 + j, g[j]);
  }
}
