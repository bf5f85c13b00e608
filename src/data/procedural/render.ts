/**
 * CPU sphere-tracing renderer for procedural objects: diffuse + ambient lighting with soft shadows and
 * ambient occlusion, a fixed world-space sun (so appearance does not depend on the camera, as the generator
 * has no view dependence), anti-aliasing by supersampling. Cameras and rays are the model's own
 * (src/render/camera.ts), so a dataset view and a generated view of the same angles line up exactly.
 */
import { cameraFromAngles, rayDirections } from '../../render/camera';
import { noise3 } from './families';
import type { Scene, Vec3 } from './sdf';

export interface RenderSettings {
  resolution: number;
  /** Supersampling factor per axis (1 = one ray per pixel). */
  aa: number;
  radius: number;
  fovDeg: number;
  /** Ray range searched for the surface. */
  tNear: number;
  tFar: number;
}

/** A procedural sky at infinity, varying per scene (the environment-background variant). */
export interface Sky {
  zenith: Vec3;
  horizon: Vec3;
  ground: Vec3;
  sunDir: Vec3;
  sunColor: Vec3;
  /** Cloudiness in [0, 1]. */
  clouds: number;
}

const SUN: Vec3 = normalize([0.45, 0.8, 0.35]);

function normalize(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}

export function skyColor(sky: Sky, d: Vec3): Vec3 {
  const y = d[1];
  let c: Vec3;
  if (y >= 0) {
    const t = Math.pow(y, 0.6);
    c = [0, 1, 2].map((k) => sky.horizon[k] + (sky.zenith[k] - sky.horizon[k]) * t) as Vec3;
    if (sky.clouds > 0 && y > 0.02) {
      const n = noise3(d[0] / (y + 0.2) * 3, 0, d[2] / (y + 0.2) * 3);
      const a = Math.max(0, n - (1 - sky.clouds)) / Math.max(sky.clouds, 1e-6);
      c = c.map((v) => v + (0.95 - v) * a * 0.8) as Vec3;
    }
  } else {
    const t = Math.min(1, -y * 4);
    c = [0, 1, 2].map((k) => sky.horizon[k] * (1 - t) + sky.ground[k] * t) as Vec3;
  }
  const s = Math.max(0, d[0] * sky.sunDir[0] + d[1] * sky.sunDir[1] + d[2] * sky.sunDir[2]);
  const glow = Math.pow(s, 256) * 4 + Math.pow(s, 8) * 0.15;
  return c.map((v, k) => Math.min(1, v + sky.sunColor[k] * glow)) as Vec3;
}

function softShadow(scene: Scene, p: Vec3, l: Vec3): number {
  let res = 1;
  let t = 0.01;
  for (let i = 0; i < 24 && t < 1.5; i++) {
    const h = scene.distance(p[0] + l[0] * t, p[1] + l[1] * t, p[2] + l[2] * t);
    if (h < 1e-4) return 0;
    res = Math.min(res, (8 * h) / t);
    t += Math.min(Math.max(h, 0.01), 0.2);
  }
  return Math.max(0, Math.min(1, res));
}

function ambientOcclusion(scene: Scene, p: Vec3, n: Vec3): number {
  let occ = 0;
  let w = 1;
  for (let i = 1; i <= 5; i++) {
    const h = 0.015 * i;
    occ += (h - scene.distance(p[0] + n[0] * h, p[1] + n[1] * h, p[2] + n[2] * h)) * w;
    w *= 0.7;
  }
  return Math.max(0, Math.min(1, 1 - occ * 12));
}

function normalAt(scene: Scene, x: number, y: number, z: number): Vec3 {
  const e = 5e-4;
  // Tetrahedron technique: 4 evaluations.
  const a = scene.distance(x + e, y - e, z - e);
  const b = scene.distance(x - e, y - e, z + e);
  const c = scene.distance(x - e, y + e, z - e);
  const d = scene.distance(x + e, y + e, z + e);
  return normalize([a - b - c + d, -a - b + c + d, -a + b - c + d]);
}

/** Shades one ray: RGBA with alpha = 1 on the object, 0 elsewhere. */
function trace(scene: Scene, o: Vec3, d: Vec3, s: RenderSettings): [number, number, number, number] {
  let t = s.tNear;
  for (let i = 0; i < 160 && t < s.tFar; i++) {
    const x = o[0] + d[0] * t;
    const y = o[1] + d[1] * t;
    const z = o[2] + d[2] * t;
    const { d: dist, part } = scene.nearest(x, y, z);
    if (dist < 2e-4 * t) {
      const n = normalAt(scene, x, y, z);
      const albedo = scene.parts[part].color(x, y, z);
      const p: Vec3 = [x + n[0] * 1e-3, y + n[1] * 1e-3, z + n[2] * 1e-3];
      const diff = Math.max(0, n[0] * SUN[0] + n[1] * SUN[1] + n[2] * SUN[2]) * softShadow(scene, p, SUN);
      const ao = ambientOcclusion(scene, p, n);
      const sky = 0.5 + 0.5 * n[1];
      const light = 0.95 * diff + (0.25 + 0.2 * sky) * ao;
      return [Math.min(1, albedo[0] * light), Math.min(1, albedo[1] * light), Math.min(1, albedo[2] * light), 1];
    }
    t += dist * 0.9;
  }
  return [0, 0, 0, 0];
}

/**
 * Renders one view (official camera: yaw, pitch from +y, looking at the origin) as straight (unpremultiplied)
 * RGBA floats plus the coverage alpha, supersampled `aa`×`aa`.
 */
export function renderView(scene: Scene, yaw: number, pitch: number, s: RenderSettings): Float32Array {
  const cam = cameraFromAngles(yaw, pitch, s.radius, s.fovDeg);
  const hi = s.resolution * s.aa;
  const dirs = rayDirections(cam, hi, hi);
  const o = cam.origin;
  const out = new Float32Array(s.resolution * s.resolution * 4);
  const inv = 1 / (s.aa * s.aa);
  for (let py = 0; py < hi; py++)
    for (let px = 0; px < hi; px++) {
      const k = 3 * (py * hi + px);
      const c = trace(scene, o, [dirs[k], dirs[k + 1], dirs[k + 2]], s);
      const q = 4 * (Math.floor(py / s.aa) * s.resolution + Math.floor(px / s.aa));
      // Accumulate premultiplied colour, un-premultiply afterwards.
      out[q] += c[0] * c[3] * inv;
      out[q + 1] += c[1] * c[3] * inv;
      out[q + 2] += c[2] * c[3] * inv;
      out[q + 3] += c[3] * inv;
    }
  return out;
}

/** Composites a premultiplied render over white or over the sky, giving 8-bit RGBA (opaque). */
export function composite(premul: Float32Array, background: 'white' | Sky, cam: { yaw: number; pitch: number; s: RenderSettings }): Uint8Array {
  const res = cam.s.resolution;
  const out = new Uint8Array(res * res * 4);
  const dirs = background === 'white' ? null : rayDirections(cameraFromAngles(cam.yaw, cam.pitch, cam.s.radius, cam.s.fovDeg), res, res);
  for (let i = 0; i < res * res; i++) {
    const a = premul[4 * i + 3];
    const bg: Vec3 = dirs ? skyColor(background as Sky, [dirs[3 * i], dirs[3 * i + 1], dirs[3 * i + 2]]) : [1, 1, 1];
    for (let k = 0; k < 3; k++) out[4 * i + k] = Math.round(Math.min(1, premul[4 * i + k] + bg[k] * (1 - a)) * 255);
    out[4 * i + 3] = 255;
  }
  return out;
}
