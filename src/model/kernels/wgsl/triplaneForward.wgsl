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
    for (var t = 0; t < 4; t++) {
      let tap = bilinearTap(pc, t, b, k);
      if (tap.inside) { acc += tap.wx * tap.wy * planes[tap.base + c]; }
    }
  }
  setOutputAtIndex(index, acc / 3.0);
}
