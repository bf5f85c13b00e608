// The per-frame uniforms and the camera ray of a pixel — shared by the ray-marching and background passes, which
// bind the same `Frame` buffer (src/render/frameUniforms.ts writes it) so that both trace the same rays.
//
// Ray generation is the twin of rayDirections (src/render/camera.ts): pixel centres on linspace(−1, 1) (top row
// first), an optional sub-pixel jitter for progressive refinement, the patch window (scale, offset) that the
// patch-wise trainer uses, then the camera rotation.

struct Frame {
  right: vec3f, tanHalfFov: f32,
  up: vec3f, near: f32,
  back: vec3f, far: f32,
  origin: vec3f, densityShift: f32,
  width: u32, height: u32, coarse: u32, fine: u32,
  bgSteps: u32, flags: u32, frameIndex: u32, seed: u32,
  jitter: vec2f, lastDelta: f32, bgStart: f32,
  patchWindow: vec4f,
  blend: f32, outsideEmpty: u32, gridRes: u32, pad0: u32,
  // The band of rows [rowStart, rowEnd) this dispatch draws (a frame may be drawn in several).
  rowStart: u32, rowEnd: u32, pad1: u32, pad2: u32,
}

const FLAG_DET = 1u;
const FLAG_IGNORE_BG = 2u;
const FLAG_BG_ONLY = 4u;
const FLAG_WHITE_BACK = 8u;
const FLAG_OCCUPANCY = 16u;
const FLAG_BG_MODEL = 32u;
const FLAG_INJECT = 64u;
const FLAG_INTERPOLATE = 128u;

fn linspaceAt(a: f32, b: f32, i: u32, n: u32) -> f32 {
  if (n == 1u) { return a; }
  return a + (b - a) * f32(i) / f32(n - 1u);
}

/// World-space unit direction of the ray through pixel (px, py); the ray starts at frame.origin.
fn rayDirection(px: u32, py: u32) -> vec3f {
  var x = linspaceAt(-1.0, 1.0, px, frame.width) + frame.jitter.x * 2.0 / f32(max(frame.width - 1u, 1u));
  var y = linspaceAt(1.0, -1.0, py, frame.height) - frame.jitter.y * 2.0 / f32(max(frame.height - 1u, 1u));
  x = (x + 1.0) * frame.patchWindow.x - 1.0 + 2.0 * frame.patchWindow.y;
  y = (y + 1.0) * frame.patchWindow.x - 1.0 + 2.0 * frame.patchWindow.z;
  let dc = normalize(vec3f(x, y, -1.0 / frame.tanHalfFov));
  return frame.right * dc.x + frame.up * dc.y + frame.back * dc.z;
}
