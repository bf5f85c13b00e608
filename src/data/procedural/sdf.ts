/**
 * Signed-distance primitives and a tiny scene representation for procedural objects. Vectors are plain
 * numbers for speed (this runs per ray step on the CPU).
 */

export type Vec3 = [number, number, number];

/** One solid part: a signed distance in its own frame, a colour function and a bounding sphere for culling. */
export interface Part {
  /** Signed distance at world point (x, y, z). */
  sdf(x: number, y: number, z: number): number;
  /** Albedo at a surface point, RGB in [0, 1]. */
  color(x: number, y: number, z: number): Vec3;
  /** Bounding sphere (centre, radius) in world units. */
  bound: [number, number, number, number];
}

export function length3(x: number, y: number, z: number): number {
  return Math.sqrt(x * x + y * y + z * z);
}

export function sdSphere(x: number, y: number, z: number, r: number): number {
  return length3(x, y, z) - r;
}

/** Axis-aligned ellipsoid (approximate but conservative-enough distance, as in iq's formula). */
export function sdEllipsoid(x: number, y: number, z: number, rx: number, ry: number, rz: number): number {
  const k0 = length3(x / rx, y / ry, z / rz);
  const k1 = length3(x / (rx * rx), y / (ry * ry), z / (rz * rz));
  return k1 === 0 ? -Math.min(rx, ry, rz) : (k0 * (k0 - 1)) / k1;
}

/** Capsule between a and b with radius r. */
export function sdCapsule(x: number, y: number, z: number, a: Vec3, b: Vec3, r: number): number {
  const pax = x - a[0];
  const pay = y - a[1];
  const paz = z - a[2];
  const bax = b[0] - a[0];
  const bay = b[1] - a[1];
  const baz = b[2] - a[2];
  const h = Math.min(1, Math.max(0, (pax * bax + pay * bay + paz * baz) / (bax * bax + bay * bay + baz * baz)));
  return length3(pax - bax * h, pay - bay * h, paz - baz * h) - r;
}

/** Vertical capped cone (frustum) along y from y = 0 (radius r0) to y = h (radius r1). */
export function sdCappedCone(x: number, y: number, z: number, h: number, r0: number, r1: number): number {
  const qx = Math.hypot(x, z);
  const qy = y - h / 2;
  const k1x = r1;
  const k1y = h / 2;
  const k2x = r1 - r0;
  const k2y = h;
  const cax = qx - Math.min(qx, qy < 0 ? r0 : r1);
  const cay = Math.abs(qy) - h / 2;
  const t = Math.min(1, Math.max(0, ((k1x - qx) * k2x + (k1y - qy) * k2y) / (k2x * k2x + k2y * k2y)));
  const cbx = qx - k1x + k2x * t;
  const cby = qy - k1y + k2y * t;
  const s = cbx < 0 && cay < 0 ? -1 : 1;
  return s * Math.sqrt(Math.min(cax * cax + cay * cay, cbx * cbx + cby * cby));
}

/** Polynomial smooth minimum (blends parts without a crease). */
export function smin(a: number, b: number, k: number): number {
  const h = Math.max(k - Math.abs(a - b), 0) / k;
  return Math.min(a, b) - h * h * k * 0.25;
}

/** Rotation matrix (row-major 3×3) from an axis and an angle. */
export function rotation(axis: Vec3, angle: number): number[] {
  const [ax, ay, az] = axis;
  const n = length3(ax, ay, az);
  const x = ax / n;
  const y = ay / n;
  const z = az / n;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const t = 1 - c;
  return [t * x * x + c, t * x * y - s * z, t * x * z + s * y, t * x * y + s * z, t * y * y + c, t * y * z - s * x, t * x * z - s * y, t * y * z + s * x, t * z * z + c];
}

/** The scene: union of parts, evaluated with bounding-sphere culling. */
export class Scene {
  constructor(readonly parts: Part[]) {}

  /** Distance to the nearest part and its index. */
  nearest(x: number, y: number, z: number): { d: number; part: number } {
    let best = Infinity;
    let part = -1;
    for (let i = 0; i < this.parts.length; i++) {
      const p = this.parts[i];
      const [cx, cy, cz, r] = p.bound;
      const db = length3(x - cx, y - cy, z - cz) - r;
      if (db > best) continue; // the part cannot be nearer than its bounding sphere
      const d = db > 0.05 ? db : p.sdf(x, y, z);
      if (d < best) {
        best = d;
        part = i;
      }
    }
    return { d: best, part };
  }

  distance(x: number, y: number, z: number): number {
    return this.nearest(x, y, z).d;
  }
}
