// EpigrafSampleTriplane gradient with respect to the planes: one thread per dy element (b, q, c) scattering
// its four bilinear weights per plane into [N, R, R, 3·C]. Many points share a texel, so the adds are atomic
// (a compare-exchange loop on the f32 bits: WGSL has no float atomics); `result` arrives zero-filled.
// Inputs: dy [N, P, C], points.

fn atomicAddF32(i: i32, v: f32) {
  var old = atomicLoad(&result[i]);
  loop {
    let res = atomicCompareExchangeWeak(&result[i], old, bitcast<i32>(bitcast<f32>(old) + v));
    if (res.exchanged) { break; }
    old = res.old_value;
  }
}

fn main(index: i32) {
  if (index >= uniforms.count) { return; }
  let c = index % uniforms.chans;
  let pointIndex = index / uniforms.chans;
  let b = pointIndex / uniforms.numPoints;
  let g = dy[index] / 3.0;
  if (g == 0.0) { return; }
  for (var k = 0; k < 3; k++) {
    let pc = planeCoord(pointIndex, k);
    for (var t = 0; t < 4; t++) {
      let tap = bilinearTap(pc, t, b, k);
      if (tap.inside) { atomicAddF32(tap.base + c, tap.wx * tap.wy * g); }
    }
  }
}
