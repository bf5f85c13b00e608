// Shows a ray-marched frame on a canvas: a full-screen triangle whose fragments read the frame's storage
// buffer at the nearest source pixel (so a low-resolution frame is upscaled while the camera moves).
// Modes: 0 RGB (clamp(x, −1, 1)·0.5 + 0.5), 1 depth (near → white, far → black, empty → black),
// 2 opacity (grey level).
//
// Bindings: 0 uniform View; 1 rgba (rgb, opacity) per pixel; 2 depth per pixel.

struct View {
  srcSize: vec2u,
  dstSize: vec2u,
  mode: u32,
  near: f32,
  far: f32,
  pad: u32,
}

@group(0) @binding(0) var<uniform> view: View;
@group(0) @binding(1) var<storage, read> rgba: array<vec4f>;
@group(0) @binding(2) var<storage, read> depth: array<f32>;

@vertex
fn vs(@builtin(vertex_index) i: u32) -> @builtin(position) vec4f {
  let p = vec2f(f32((i << 1u) & 2u), f32(i & 2u));
  return vec4f(p * 2.0 - 1.0, 0.0, 1.0);
}

@fragment
fn fs(@builtin(position) pos: vec4f) -> @location(0) vec4f {
  let uv = pos.xy / vec2f(view.dstSize);
  let src = min(vec2u(uv * vec2f(view.srcSize)), view.srcSize - vec2u(1u));
  let idx = src.y * view.srcSize.x + src.x;
  let px = rgba[idx];
  if (view.mode == 1u) {
    let t = select(0.0, clamp((view.far - depth[idx] / max(px.w, 1e-6)) / (view.far - view.near), 0.0, 1.0), px.w > 1e-3);
    return vec4f(vec3f(t), 1.0);
  }
  if (view.mode == 2u) {
    return vec4f(vec3f(clamp(px.w, 0.0, 1.0)), 1.0);
  }
  return vec4f(clamp(px.xyz, vec3f(-1.0), vec3f(1.0)) * 0.5 + 0.5, 1.0);
}
