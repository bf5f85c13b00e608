/**
 * Three procedural families in the spirit of Megascans M-Plants / M-Food: potted plants (label 0),
 * mushrooms (1) and fruit (2). Shape, proportion and colour vary continuously with the object's random
 * stream. Objects are built around the origin with y up and later rescaled into [−1, 1]³.
 */
import { MT19937 } from '../../model/prng';
import { length3, rotation, sdCapsule, sdCappedCone, sdEllipsoid, smin, type Part, type Vec3 } from './sdf';

export const FAMILIES = ['plant', 'mushroom', 'fruit'] as const;
export type Family = (typeof FAMILIES)[number];

type Rng = () => number;
const lerp = (a: number, b: number, t: number) => a + (b - a) * t;
const jitterColor = (rng: Rng, c: Vec3, amount: number): Vec3 =>
  c.map((v) => Math.min(1, Math.max(0, v + (rng() - 0.5) * 2 * amount))) as Vec3;

/** Smooth value noise in [0, 1] (for mottling and spots), deterministic. */
export function noise3(x: number, y: number, z: number): number {
  const h = (i: number, j: number, k: number) => {
    let n = (i * 374761393 + j * 668265263 + k * 2147483647) | 0;
    n = Math.imul(n ^ (n >>> 13), 1274126177);
    return ((n ^ (n >>> 16)) >>> 0) / 4294967296;
  };
  const xi = Math.floor(x);
  const yi = Math.floor(y);
  const zi = Math.floor(z);
  const s = (t: number) => t * t * (3 - 2 * t);
  const fx = s(x - xi);
  const fy = s(y - yi);
  const fz = s(z - zi);
  const l = (a: number, b: number, t: number) => a + (b - a) * t;
  return l(
    l(l(h(xi, yi, zi), h(xi + 1, yi, zi), fx), l(h(xi, yi + 1, zi), h(xi + 1, yi + 1, zi), fx), fy),
    l(l(h(xi, yi, zi + 1), h(xi + 1, yi, zi + 1), fx), l(h(xi, yi + 1, zi + 1), h(xi + 1, yi + 1, zi + 1), fx), fy),
    fz,
  );
}

function solid(sdf: Part['sdf'], color: Vec3 | Part['color'], bound: Part['bound']): Part {
  return { sdf, color: typeof color === 'function' ? color : () => color, bound };
}

/** An ellipsoid with radii (rx, ry, rz) at c, rotated by the row-major matrix R (local = Rᵀ·(p − c)). */
function orientedEllipsoid(c: Vec3, R: number[], rx: number, ry: number, rz: number, color: Part['color']): Part {
  return solid(
    (x, y, z) => {
      const px = x - c[0];
      const py = y - c[1];
      const pz = z - c[2];
      return sdEllipsoid(R[0] * px + R[3] * py + R[6] * pz, R[1] * px + R[4] * py + R[7] * pz, R[2] * px + R[5] * py + R[8] * pz, rx, ry, rz);
    },
    color,
    [c[0], c[1], c[2], Math.max(rx, ry, rz) * 1.01],
  );
}

function capsulePart(a: Vec3, b: Vec3, r: number, color: Vec3): Part {
  const c: Vec3 = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2];
  return solid((x, y, z) => sdCapsule(x, y, z, a, b, r), color, [...c, length3(a[0] - b[0], a[1] - b[1], a[2] - b[2]) / 2 + r]);
}

function plant(rng: Rng): Part[] {
  const parts: Part[] = [];
  const potH = lerp(0.45, 0.8, rng());
  const r0 = lerp(0.25, 0.4, rng());
  const r1 = r0 * lerp(1.1, 1.45, rng());
  const glazed = rng() < 0.35;
  const potColor = glazed ? jitterColor(rng, [lerp(0.2, 0.9, rng()), lerp(0.3, 0.8, rng()), lerp(0.4, 0.95, rng())], 0.05) : jitterColor(rng, [0.72, 0.4, 0.26], 0.08);
  const base = -1;
  parts.push(solid((x, y, z) => sdCappedCone(x, y - base, z, potH, r0, r1), potColor, [0, base + potH / 2, 0, Math.hypot(potH / 2, r1)]));
  const top = base + potH;
  parts.push(solid((x, y, z) => sdEllipsoid(x, y - top, z, r1 * 0.92, 0.04, r1 * 0.92), jitterColor(rng, [0.25, 0.17, 0.1], 0.04), [0, top, 0, r1]));
  const stems = 3 + Math.floor(rng() * 6);
  const leafGreen: Vec3 = jitterColor(rng, [lerp(0.12, 0.35, rng()), lerp(0.42, 0.7, rng()), lerp(0.08, 0.25, rng())], 0.04);
  const stemColor = jitterColor(rng, [0.3, 0.45, 0.15], 0.05);
  const height = lerp(0.7, 1.4, rng());
  const spread = lerp(0.2, 0.75, rng());
  const leafLen = lerp(0.22, 0.42, rng());
  const leafWid = leafLen * lerp(0.3, 0.6, rng());
  const variegated = rng() < 0.3;
  const golden = 2.39996;
  for (let i = 0; i < stems; i++) {
    const ang = i * golden + rng() * 0.5;
    const h = height * lerp(0.55, 1, rng());
    const out = spread * lerp(0.5, 1, rng());
    const tip: Vec3 = [Math.cos(ang) * out, top + h, Math.sin(ang) * out];
    parts.push(capsulePart([0, top, 0], tip, lerp(0.015, 0.03, rng()), stemColor));
    // Leaf along the stem direction, tilted outwards and flattened.
    const dir: Vec3 = [Math.cos(ang), lerp(0.1, 0.8, rng()), Math.sin(ang)];
    const R = multiply(rotation([0, 1, 0], -ang), rotation([0, 0, 1], Math.atan2(dir[1], 1)));
    const c: Vec3 = [tip[0] + Math.cos(ang) * leafLen * 0.7, tip[1] + dir[1] * leafLen * 0.5, tip[2] + Math.sin(ang) * leafLen * 0.7];
    const color: Part['color'] = variegated
      ? (x, y, z) => (noise3(x * 9, y * 9, z * 9) > 0.6 ? [0.85, 0.88, 0.6] : leafGreen)
      : (x, y, z) => leafGreen.map((v) => v * lerp(0.85, 1.1, noise3(x * 6, y * 6, z * 6))) as Vec3;
    parts.push(orientedEllipsoid(c, R, leafLen, 0.025, leafWid, color));
  }
  return parts;
}

function mushroom(rng: Rng): Part[] {
  const parts: Part[] = [];
  const n = 1 + Math.floor(rng() * 3);
  const red = rng() < 0.4;
  const capBase: Vec3 = red ? jitterColor(rng, [0.75, 0.12, 0.08], 0.08) : jitterColor(rng, [lerp(0.45, 0.8, rng()), lerp(0.3, 0.6, rng()), lerp(0.15, 0.4, rng())], 0.05);
  const stemCol = jitterColor(rng, [0.9, 0.86, 0.76], 0.05);
  for (let i = 0; i < n; i++) {
    const scale = i === 0 ? 1 : lerp(0.45, 0.8, rng());
    const ang = rng() * Math.PI * 2;
    const off = i === 0 ? 0 : lerp(0.3, 0.6, rng());
    const bx = Math.cos(ang) * off;
    const bz = Math.sin(ang) * off;
    const h = lerp(0.7, 1.4, rng()) * scale;
    const lean = (rng() - 0.5) * 0.4;
    const topP: Vec3 = [bx + lean * h * Math.cos(ang), -1 + h, bz + lean * h * Math.sin(ang)];
    parts.push(capsulePart([bx, -1, bz], topP, lerp(0.07, 0.14, rng()) * scale, stemCol));
    const rx = lerp(0.3, 0.6, rng()) * scale;
    const ry = lerp(0.15, 0.35, rng()) * scale;
    const spots = red || rng() < 0.2;
    const cy = topP[1] - ry * 0.3;
    const capColor: Part['color'] = (x, y, z) =>
      spots && noise3(x * 10, y * 10, z * 10) > 0.72 ? [0.95, 0.93, 0.88] : (capBase.map((v) => v * lerp(0.8, 1.1, noise3(x * 4, y * 4, z * 4))) as Vec3);
    parts.push(
      solid(
        (x, y, z) => Math.max(sdEllipsoid(x - topP[0], y - cy, z - topP[2], rx, ry, rx), cy - ry * 0.15 - y),
        capColor,
        [topP[0], cy, topP[2], Math.max(rx, ry) * 1.01],
      ),
    );
  }
  return parts;
}

function fruit(rng: Rng): Part[] {
  const parts: Part[] = [];
  const n = 1 + Math.floor(rng() * 3);
  const palette: Vec3[] = [
    [0.78, 0.1, 0.08],
    [0.45, 0.75, 0.15],
    [0.95, 0.8, 0.15],
    [0.95, 0.5, 0.1],
    [0.55, 0.2, 0.45],
  ];
  for (let i = 0; i < n; i++) {
    const base = jitterColor(rng, palette[Math.floor(rng() * palette.length)], 0.07);
    const r = lerp(0.35, 0.6, rng()) * (i === 0 ? 1 : lerp(0.6, 0.9, rng()));
    const ang = rng() * Math.PI * 2;
    const off = i === 0 ? 0 : lerp(0.5, 0.8, rng());
    const c: Vec3 = [Math.cos(ang) * off, -1 + r, Math.sin(ang) * off];
    const pear = rng() * 0.6; // 0 = round, larger = a smaller upper lobe
    const squash = lerp(0.8, 1.1, rng());
    const upper: Vec3 = [c[0], c[1] + r * (0.6 + pear * 0.5), c[2]];
    const ru = r * (1 - pear * 0.6);
    const mottle = lerp(0.05, 0.25, rng());
    parts.push(
      solid(
        (x, y, z) => smin(sdEllipsoid(x - c[0], (y - c[1]) / squash, z - c[2], r, r, r) * Math.min(1, squash), sdEllipsoid(x - upper[0], y - upper[1], z - upper[2], ru, ru, ru), r * 0.5),
        (x, y, z) => base.map((v, k) => Math.min(1, v * (1 - mottle + 2 * mottle * noise3(x * 7 + k, y * 7, z * 7)))) as Vec3,
        [c[0], (c[1] + upper[1]) / 2, c[2], r * 1.8],
      ),
    );
    const stemTop: Vec3 = [upper[0] + (rng() - 0.5) * 0.1, upper[1] + ru + lerp(0.08, 0.2, rng()), upper[2]];
    parts.push(capsulePart([upper[0], upper[1] + ru * 0.8, upper[2]], stemTop, 0.025, [0.35, 0.22, 0.1]));
  }
  return parts;
}

function multiply(a: number[], b: number[]): number[] {
  const o = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) o[3 * i + j] += a[3 * i + k] * b[3 * k + j];
  return o;
}

/** Builds the parts of one object of a family from its seed. */
export function buildObject(family: Family, seed: number): Part[] {
  const mt = new MT19937(seed >>> 0);
  const rng = () => mt.random();
  if (family === 'plant') return plant(rng);
  if (family === 'mushroom') return mushroom(rng);
  return fruit(rng);
}
