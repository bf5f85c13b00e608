/**
 * Marching cubes (Lorensen & Cline) over a scalar grid, with the classic 256-case tables of Paul Bourke /
 * Cory Bloyd as shipped (and used) by three.js's MarchingCubes addon, so the tables are not written twice.
 *
 * - Indexed output: each grid edge that the surface crosses gets exactly one vertex, shared by every
 *   triangle of the four cells around it, so a surface that does not leave the grid is a closed 2-manifold.
 * - The grid is treated as surrounded by one layer of empty space (a value below any threshold) so that a
 *   shape touching the box is closed by the box's faces instead of left open; those vertices sit exactly on
 *   the boundary grid points.
 * - Inside is value > iso (density); triangles wind counter-clockwise seen from outside; normals point
 *   outward (minus the value's gradient by central differences, one-sided at the border).
 * Plain TypeScript without DOM or GPU, so it runs in a Web Worker and in Node tests.
 */
import { edgeTable, triTable } from 'three/examples/jsm/objects/MarchingCubes.js';

export interface ScalarGrid {
  /** Values at grid points, x fastest: index (z·ny + y)·nx + x. */
  values: Float32Array;
  size: [number, number, number];
  /** World positions of the first and last grid points along each axis. */
  min: [number, number, number];
  max: [number, number, number];
}

export interface TriangleMesh {
  positions: Float32Array;
  normals: Float32Array;
  indices: Uint32Array;
}

/** Cell corners in table order (Bourke): offsets (dx, dy, dz). */
const CORNERS = [
  [0, 0, 0],
  [1, 0, 0],
  [1, 1, 0],
  [0, 1, 0],
  [0, 0, 1],
  [1, 0, 1],
  [1, 1, 1],
  [0, 1, 1],
] as const;
/** Edge k joins corners EDGES[k]; its owning grid point is the lower corner, its axis 0/1/2 = x/y/z. */
const EDGES = [
  [0, 1],
  [1, 2],
  [3, 2],
  [0, 3],
  [4, 5],
  [5, 6],
  [7, 6],
  [4, 7],
  [0, 4],
  [1, 5],
  [2, 6],
  [3, 7],
] as const;
const EDGE_AXIS = EDGES.map(([a, b]) => CORNERS[b].findIndex((v, k) => v !== CORNERS[a][k]));

/** A Float32Array / Uint32Array that grows by doubling (meshes of unknown size without a number[] per float). */
class Growable<T extends Float32Array | Uint32Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  push3(a: number, b: number, c: number): void {
    if (this.length + 3 > this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = a;
    this.data[this.length++] = b;
    this.data[this.length++] = c;
  }
  done(): T {
    return this.data.slice(0, this.length) as T;
  }
}

/**
 * Extracts the iso-surface value = iso. `onProgress(fraction)` is called once per z-layer of cells.
 * Memory beyond the output: two layers of edge→vertex indices.
 */
export function marchingCubes(grid: ScalarGrid, iso: number, onProgress?: (fraction: number) => void): TriangleMesh {
  const [nx, ny, nz] = grid.size;
  const v = grid.values;
  if (v.length !== nx * ny * nz) throw new Error(`grid has ${v.length} values, expected ${nx}×${ny}×${nz}`);
  if (!Number.isFinite(iso)) throw new Error(`threshold must be a finite number (got ${iso})`);
  const h = [0, 1, 2].map((k) => (grid.size[k] > 1 ? (grid.max[k] - grid.min[k]) / (grid.size[k] - 1) : 1));
  const inGrid = (x: number, y: number, z: number) => x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz;
  const at = (x: number, y: number, z: number) => (inGrid(x, y, z) ? v[(z * ny + y) * nx + x] : -Infinity);

  // Edge caches over the padded grid, points −1 … n along each axis: px = x + 1.
  const sx = nx + 2;
  const layer = sx * (ny + 2);
  let low = new Int32Array(layer * 2).fill(-1); // x- and y-edges in plane z
  let high = new Int32Array(layer * 2).fill(-1); // x- and y-edges in plane z + 1
  const vertical = new Int32Array(layer); // z-edges between planes z and z + 1

  const pos = new Growable(new Float32Array(3 * 4096), (n) => new Float32Array(n));
  const nrm = new Growable(new Float32Array(3 * 4096), (n) => new Float32Array(n));
  const tri = new Growable(new Uint32Array(3 * 8192), (n) => new Uint32Array(n));
  const grad = [0, 0, 0];

  /** Outward normal direction (−∇value) at a grid point inside the grid. */
  const gradient = (x: number, y: number, z: number) => {
    const p = [x, y, z];
    const n = grid.size;
    for (let k = 0; k < 3; k++) {
      const lo = Math.max(0, p[k] - 1);
      const hi = Math.min(n[k] - 1, p[k] + 1);
      if (hi === lo) {
        grad[k] = 0;
        continue;
      }
      const a = [x, y, z];
      const b = [x, y, z];
      a[k] = lo;
      b[k] = hi;
      grad[k] = -(at(b[0], b[1], b[2]) - at(a[0], a[1], a[2])) / ((hi - lo) * h[k]);
    }
    return grad;
  };

  const makeVertex = (x: number, y: number, z: number, axis: number): number => {
    const b = [x, y, z];
    b[axis]++;
    const va = at(x, y, z);
    const vb = at(b[0], b[1], b[2]);
    const aIn = inGrid(x, y, z);
    const bIn = inGrid(b[0], b[1], b[2]);
    // An edge into the padding: the vertex sits on the real end point, the normal points out of the box.
    let t: number;
    let n: number[];
    if (!bIn) {
      t = 0;
      n = [0, 0, 0];
      n[axis] = 1;
    } else if (!aIn) {
      t = 1;
      n = [0, 0, 0];
      n[axis] = -1;
    } else {
      t = vb === va ? 0.5 : (iso - va) / (vb - va);
      const ga = gradient(x, y, z).slice();
      const gb = gradient(b[0], b[1], b[2]);
      n = [0, 1, 2].map((k) => ga[k] + t * (gb[k] - ga[k]));
    }
    const len = Math.hypot(n[0], n[1], n[2]) || 1;
    const c = [x, y, z];
    c[axis] += t;
    pos.push3(grid.min[0] + c[0] * h[0], grid.min[1] + c[1] * h[1], grid.min[2] + c[2] * h[2]);
    nrm.push3(n[0] / len, n[1] / len, n[2] / len);
    return pos.length / 3 - 1;
  };

  const cornerVals = new Float64Array(8);
  const edgeVertex = new Int32Array(12);
  for (let z = -1; z < nz; z++) {
    vertical.fill(-1);
    for (let y = -1; y < ny; y++) {
      for (let x = -1; x < nx; x++) {
        let cube = 0;
        for (let c = 0; c < 8; c++) {
          const val = at(x + CORNERS[c][0], y + CORNERS[c][1], z + CORNERS[c][2]);
          cornerVals[c] = val;
          if (val <= iso) cube |= 1 << c; // bit set = outside (Bourke's convention: below the iso-level)
        }
        const edges = edgeTable[cube];
        if (edges === 0) continue;
        for (let e = 0; e < 12; e++) {
          if (!(edges & (1 << e))) continue;
          const [ox, oy, oz] = CORNERS[EDGES[e][0]];
          const axis = EDGE_AXIS[e];
          const px = x + ox;
          const py = y + oy;
          const slot = (py + 1) * sx + (px + 1);
          let cache: Int32Array;
          let i: number;
          if (axis === 2) {
            cache = vertical;
            i = slot;
          } else {
            cache = oz ? high : low;
            i = slot * 2 + axis;
          }
          if (cache[i] < 0) cache[i] = makeVertex(px, py, z + oz, axis);
          edgeVertex[e] = cache[i];
        }
        // With bits set for outside corners, the table's order is counter-clockwise seen from outside.
        for (let k = cube * 16; triTable[k] !== -1; k += 3) tri.push3(edgeVertex[triTable[k]], edgeVertex[triTable[k + 1]], edgeVertex[triTable[k + 2]]);
      }
    }
    [low, high] = [high, low];
    high.fill(-1);
    onProgress?.((z + 2) / (nz + 1));
  }
  return { positions: pos.done(), normals: nrm.done(), indices: tri.done() };
}
