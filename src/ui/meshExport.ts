/**
 * Mesh export of the current latent: extraction (GPU σ grid, marching cubes in a Web Worker, GPU vertex
 * colours), the preview, then the file in the chosen format.
 */
import { encodeMesh, meshFileName, meshGeometry, type MeshFormat } from '../mesh/exportMesh';
import { extractMesh, type MeshSettings, type MeshStage } from '../mesh/extractMesh';
import { marchingCubesInWorker } from '../mesh/meshWorkerClient';
import { showMeshPreview } from '../mesh/meshPreview';
import { currentModel, type LatentParams } from './engine';
import { slug, type ExportedFile } from './exportMedia';

export interface MeshExport extends ExportedFile {
  vertices: number;
  triangles: number;
  sigmaRange: [number, number];
  ms: number;
}

export async function exportMesh(
  s: MeshSettings & { format: MeshFormat },
  latent: LatentParams,
  modelName: string,
  onProgress?: (fraction: number, stage: MeshStage) => void,
  signal?: AbortSignal,
): Promise<MeshExport> {
  const model = currentModel();
  if (!model) throw new Error('no model loaded');
  const t0 = performance.now();
  const mesh = await extractMesh(model.renderer, s, marchingCubesInWorker, onProgress, signal);
  const geometry = meshGeometry(mesh);
  showMeshPreview(geometry, model.generator.config.camera.cubeScale);
  const name = meshFileName(slug(modelName), latent, s.resolution, s.format);
  const { bytes, mime } = await encodeMesh(geometry, s.format, name.replace(/\.\w+$/, ''));
  geometry.dispose();
  return { name, mime, bytes, vertices: mesh.positions.length / 3, triangles: mesh.indices.length / 3, sigmaRange: mesh.sigmaRange, ms: performance.now() - t0 };
}
