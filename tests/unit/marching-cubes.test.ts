/**
 * Marching cubes on analytic fields: a sphere's mesh is closed, outward-oriented, of sphere topology, and its
 * area and volume are within 2 % of the sphere's at 128³; a shape filling the box is closed by the box.
 */
import { describe, it, expect } from 'vitest';
import { marchingCubes, type ScalarGrid, type TriangleMesh } from '../../src/mesh/marchingCubes';

function field(n: number, f: (x: number, y: number, z: number) => number, lo = -1, hi = 1): ScalarGrid {
  const values = new Float32Array(n ** 3);
  const p = (i: number) => lo + ((hi - lo) * i) / (n - 1);
  for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) values[(z * n + y) * n + x] = f(p(x), p(y), p(z));
  return { values, size: [n, n, n], min: [lo, lo, lo], max: [hi, hi, hi] };
}

/** Surface area and enclosed (signed, divergence theorem) volume. */
function measure(m: TriangleMesh): { area: number; volume: number } {
  const P = m.positions;
  let area = 0;
  let volume = 0;
  for (let t = 0; t < m.indices.length; t += 3) {
    const [a, b, c] = [m.indices[t], m.indices[t + 1], m.indices[t + 2]].map((i) => [P[3 * i], P[3 * i + 1], P[3 * i + 2]]);
    const u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    const v = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
    const cr = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
    area += Math.hypot(...cr) / 2;
    volume += (a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0])) / 6;
  }
  return { area, volume };
}

/** Every directed edge appears exactly once and its reverse exactly once: closed, manifold, consistently wound. */
function closedAndConsistent(m: TriangleMesh): { openOrBad: number; edges: number } {
  const directed = new Map<number, number>();
  const nv = m.positions.length / 3;
  const key = (a: number, b: number) => a * nv + b;
  for (let t = 0; t < m.indices.length; t += 3)
    for (let k = 0; k < 3; k++) {
      const e = key(m.indices[t + k], m.indices[t + ((k + 1) % 3)]);
      directed.set(e, (directed.get(e) ?? 0) + 1);
    }
  let openOrBad = 0;
  for (const [e, count] of directed) {
    const a = Math.floor(e / nv);
    const b = e % nv;
    if (count !== 1 || directed.get(key(b, a)) !== 1) openOrBad++;
  }
  return { openOrBad, edges: directed.size / 2 };
}

describe('marching cubes', () => {
  it('a sphere at 128³: closed, outward, genus 0, area and volume within 2 %', () => {
    const r = 0.7;
    const t0 = performance.now();
    const m = marchingCubes(field(128, (x, y, z) => r - Math.hypot(x, y, z)), 0);
    const ms = performance.now() - t0;
    const { area, volume } = measure(m);
    const areaErr = Math.abs(area / (4 * Math.PI * r * r) - 1);
    const volErr = Math.abs(volume / ((4 / 3) * Math.PI * r ** 3) - 1);
    const { openOrBad, edges } = closedAndConsistent(m);
    const V = m.positions.length / 3;
    const F = m.indices.length / 3;
    console.log(`sphere 128³: ${V} vertices, ${F} triangles, area error ${(100 * areaErr).toFixed(3)} %, volume error ${(100 * volErr).toFixed(3)} %, ${ms.toFixed(0)} ms`);
    expect(areaErr).toBeLessThan(0.02);
    expect(volErr).toBeLessThan(0.02);
    expect(volume).toBeGreaterThan(0); // positive signed volume ⇔ outward (CCW) winding
    expect(openOrBad).toBe(0);
    expect(V - edges + F).toBe(2); // Euler characteristic of a sphere
    // Vertices lie on the sphere and normals point outward, along the radius.
    let worstRadius = 0;
    let worstNormal = 1;
    for (let i = 0; i < V; i++) {
      const p = [m.positions[3 * i], m.positions[3 * i + 1], m.positions[3 * i + 2]];
      const len = Math.hypot(...p);
      worstRadius = Math.max(worstRadius, Math.abs(len - r));
      worstNormal = Math.min(worstNormal, (p[0] * m.normals[3 * i] + p[1] * m.normals[3 * i + 1] + p[2] * m.normals[3 * i + 2]) / len);
    }
    expect(worstRadius).toBeLessThan(2 / 127 / 10);
    expect(worstNormal).toBeGreaterThan(0.99);
  });

  it('two separate balls give two closed components (Euler characteristic 4)', () => {
    const m = marchingCubes(field(48, (x, y, z) => Math.max(0.3 - Math.hypot(x - 0.5, y, z), 0.25 - Math.hypot(x + 0.5, y, z))), 0);
    const { openOrBad, edges } = closedAndConsistent(m);
    expect(openOrBad).toBe(0);
    expect(m.positions.length / 3 - edges + m.indices.length / 3).toBe(4);
    expect(measure(m).volume).toBeGreaterThan(0);
  });

  it('density above the threshold at the border is closed by the box faces', () => {
    const m = marchingCubes(field(16, () => 1), 0.5);
    const { area, volume } = measure(m);
    expect(closedAndConsistent(m).openOrBad).toBe(0);
    expect(area).toBeCloseTo(24, 4); // the box [−1, 1]³ itself
    expect(volume).toBeCloseTo(8, 4);
    for (const p of m.positions) expect(Math.abs(p)).toBeLessThanOrEqual(1 + 1e-6);
  });

  it('a half-space cut by the box is closed; an empty field gives no triangles; progress reaches 1', () => {
    const fractions: number[] = [];
    const m = marchingCubes(field(20, (x) => x), 0.1, (f) => fractions.push(f));
    const { volume } = measure(m);
    expect(closedAndConsistent(m).openOrBad).toBe(0);
    expect(volume).toBeCloseTo(0.9 * 4, 3); // x ∈ [0.1, 1] times the 2 × 2 face
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.every((f, i) => i === 0 || f > fractions[i - 1])).toBe(true);
    const empty = marchingCubes(field(8, () => -1), 0);
    expect(empty.indices.length).toBe(0);
    expect(() => marchingCubes(field(8, () => 0), NaN)).toThrow(/threshold/);
  });
});
