/**
 * Web Worker running marching cubes off the page's main thread (a 256³ grid takes seconds of CPU), posting
 * progress per z-layer of cells. Messages: in MeshJob; out MeshWorkerMessage (buffers transferred, not copied).
 */
import { marchingCubes, type ScalarGrid, type TriangleMesh } from './marchingCubes';

export interface MeshJob {
  grid: ScalarGrid;
  iso: number;
}

export type MeshWorkerMessage = { type: 'progress'; fraction: number } | { type: 'done'; mesh: TriangleMesh } | { type: 'error'; message: string };

const post = (m: MeshWorkerMessage, transfer: Transferable[] = []) => postMessage(m, { transfer });

self.onmessage = (e: MessageEvent<MeshJob>) => {
  try {
    let last = 0;
    const mesh = marchingCubes(e.data.grid, e.data.iso, (fraction) => {
      // At most ~100 messages however fine the grid.
      if (fraction - last >= 0.01 || fraction === 1) post({ type: 'progress', fraction: (last = fraction) });
    });
    post({ type: 'done', mesh }, [mesh.positions.buffer, mesh.normals.buffer, mesh.indices.buffer]);
  } catch (err) {
    post({ type: 'error', message: (err as Error).message });
  }
};
