// Density grid and vertex colours for mesh extraction.
//
// Entry `grid`: one invocation per point of one z-slab of an N³ lattice spanning the scene box
// [−CUBE_SCALE, CUBE_SCALE]³ (first and last points on the faces) writes the decoder's raw σ there — before
// the density shift and softplus, as the official `compute_densities` / extract_geometry.py thresholds it.
// Entry `colours`: one invocation per mesh vertex (world xyz, 3 floats each) writes the decoder's raw RGB
// (≈[−1, 1]) at that exact position, so vertex colours are the generator's colours, not interpolated ones.
//
// Bindings: 0 uniform Job; 1 planes; 2 decoder weights; 3 σ out (f32, N² per slab layer);
// 4 points in (f32 xyz); 5 rgb out (f32 rgba, a unused).

struct Job {
  n: u32,       // lattice points per axis (grid) / number of points (points)
  z0: u32,      // first z-layer of this slab (grid)
  layers: u32,  // z-layers in this slab (grid)
  pad: u32,
}

@group(0) @binding(0) var<uniform> job: Job;
@group(0) @binding(1) var<storage, read> planes: PlaneArray;
@group(0) @binding(2) var<DECODER_SPACE> decW: DecoderWeights;
@group(0) @binding(3) var<storage, read_write> sigmaOut: array<f32>;
@group(0) @binding(4) var<storage, read> points: array<f32>;
@group(0) @binding(5) var<storage, read_write> rgbOut: array<vec4f>;

@compute @workgroup_size(8, 8, 1)
fn grid(@builtin(global_invocation_id) g: vec3u) {
  let n = job.n;
  if (g.x >= n || g.y >= n || g.z >= job.layers) { return; }
  let v = vec3f(f32(g.x), f32(g.y), f32(job.z0 + g.z));
  let p = (v / f32(n - 1u) * 2.0 - 1.0) * CUBE_SCALE;
  sigmaOut[(g.z * n + g.y) * n + g.x] = queryTriplane(p).w;
}

@compute @workgroup_size(64)
fn colours(@builtin(global_invocation_id) g: vec3u) {
  let i = g.x;
  if (i >= job.n) { return; }
  let p = vec3f(points[3u * i], points[3u * i + 1u], points[3u * i + 2u]);
  rgbOut[i] = vec4f(queryTriplane(p).xyz, 1.0);
}
