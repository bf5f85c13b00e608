// Occupancy grid for empty-space skipping, rebuilt after each synthesis.
//
// Pass `vertices`: one invocation per vertex of a G³ grid over the scene box [−CUBE_SCALE, CUBE_SCALE]³
// evaluates the decoder's raw σ there. Pass `cells`: one invocation per cell takes the maximum raw σ over the
// vertices of the cell and of its 26 neighbours (a one-cell dilation: the density between vertices can exceed
// the vertex values) and marks the cell occupied when softplus(max + shift) exceeds `sigmaEps`.
//
// Bindings: 0 uniform Grid; 1 planes; 2 decoder weights; 3 vertex σ (f32, (G+1)³); 4 occupancy (u32, G³).

struct Grid {
  res: u32,
  densityShift: f32,
  sigmaEps: f32,
  pad: u32,
}

@group(0) @binding(0) var<uniform> grid: Grid;
@group(0) @binding(1) var<storage, read> planes: PlaneArray;
@group(0) @binding(2) var<DECODER_SPACE> decW: DecoderWeights;
@group(0) @binding(3) var<storage, read_write> vertexSigma: array<f32>;
@group(0) @binding(4) var<storage, read_write> occupancy: array<u32>;

fn softplus(x: f32) -> f32 {
  return select(log(1.0 + exp(x)), x, x > 20.0);
}

@compute @workgroup_size(4, 4, 4)
fn vertices(@builtin(global_invocation_id) v: vec3u) {
  let n = grid.res + 1u;
  if (any(v >= vec3u(n))) { return; }
  let p = (vec3f(v) / f32(grid.res) * 2.0 - 1.0) * CUBE_SCALE;
  vertexSigma[(v.z * n + v.y) * n + v.x] = queryTriplane(p).w;
}

@compute @workgroup_size(4, 4, 4)
fn cells(@builtin(global_invocation_id) c: vec3u) {
  let g = grid.res;
  if (any(c >= vec3u(g))) { return; }
  let n = g + 1u;
  let lo = vec3i(c) - 1;
  var m = -3.4e38;
  for (var z = max(lo.z, 0); z <= min(lo.z + 3, i32(g)); z++) {
    for (var y = max(lo.y, 0); y <= min(lo.y + 3, i32(g)); y++) {
      for (var x = max(lo.x, 0); x <= min(lo.x + 3, i32(g)); x++) {
        m = max(m, vertexSigma[(u32(z) * n + u32(y)) * n + u32(x)]);
      }
    }
  }
  occupancy[(c.z * g + c.y) * g + c.x] = select(0u, 1u, softplus(m + grid.densityShift) > grid.sigmaEps);
}
