/**
 * Mesh extraction from the current latent: raw σ on an N³ lattice over the scene box (GPU), marching cubes
 * at a threshold (a Web Worker in the page, inline in tests), then the decoder's colour at every vertex (GPU).
 */
import type { WgslRenderer } from '../render/wgslRenderer';
import { toDisplay } from '../render/displayMap';
import { DensityGridPass } from './densityGridPass';
import { marchingCubes, type ScalarGrid, type TriangleMesh } from './marchingCubes';

export const MESH_RESOLUTIONS = [64, 128, 192, 256] as const;
/** The official extract_geometry.py threshold on raw σ (PyMCubes `thresh_value=25.0`). */
export const DEFAULT_MESH_THRESHOLD = 25;

export interface MeshSettings {
  /** Lattice points per axis. */
  resolution: number;
  /** Level of the surface on raw (pre-softplus) σ. */
  threshold: number;
}

export interface ColouredMesh extends TriangleMesh {
  /** Display-space (sRGB) colours in [0, 1], 3 per vertex. */
  colors: Float32Array;
  /** Range of raw σ over the lattice (to choose a threshold). */
  sigmaRange: [number, number];
}

export type MarchingCubesRunner = (grid: ScalarGrid, iso: number, onProgress?: (fraction: number) => void, signal?: AbortSignal) => Promise<TriangleMesh>;

/** Runs in the calling thread (Node tests; the page uses marchingCubesInWorker). */
export const marchingCubesInline: MarchingCubesRunner = async (grid, iso, onProgress) => marchingCubes(grid, iso, onProgress);

/** Share of the progress bar per stage: σ grid, marching cubes, colours. */
const STAGES = { density: [0, 0.55], marching: [0.55, 0.85], colours: [0.85, 1] } as const;
export type MeshStage = keyof typeof STAGES;

export class EmptyMeshError extends Error {
  constructor(threshold: number, readonly sigmaRange: [number, number]) {
    super(`no surface at threshold ${threshold}: raw σ on the grid ranges from ${sigmaRange[0].toFixed(3)} to ${sigmaRange[1].toFixed(3)}; choose a Mesh threshold inside that range`);
    this.name = 'EmptyMeshError';
  }
}

export async function extractMesh(
  renderer: WgslRenderer,
  s: MeshSettings,
  runMarchingCubes: MarchingCubesRunner = marchingCubesInline,
  onProgress?: (fraction: number, stage: MeshStage) => void,
  signal?: AbortSignal,
): Promise<ColouredMesh> {
  const cfg = renderer.cfg;
  const report = (stage: MeshStage, f: number) => onProgress?.(STAGES[stage][0] + f * (STAGES[stage][1] - STAGES[stage][0]), stage);
  const pass = await DensityGridPass.create(renderer.device, cfg, renderer.planesBinding(), renderer.decoderBinding());
  try {
    const n = s.resolution;
    const values = await pass.density(n, (d, t) => report('density', d / t), signal);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const b = cfg.camera.cubeScale;
    const grid: ScalarGrid = { values, size: [n, n, n], min: [-b, -b, -b], max: [b, b, b] };
    const mesh = await runMarchingCubes(grid, s.threshold, (f) => report('marching', f), signal);
    if (mesh.indices.length === 0) throw new EmptyMeshError(s.threshold, [lo, hi]);
    const raw = await pass.colours(mesh.positions, (d, t) => report('colours', d / t), signal);
    const colors = raw.map(toDisplay);
    return { ...mesh, colors, sigmaRange: [lo, hi] };
  } finally {
    pass.destroy();
  }
}
