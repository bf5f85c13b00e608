/** Runs marching cubes in a fresh Web Worker (meshWorker.ts); terminating it is how a run is cancelled. */
import type { ScalarGrid, TriangleMesh } from './marchingCubes';
import type { MeshJob, MeshWorkerMessage } from './meshWorker';

export function marchingCubesInWorker(grid: ScalarGrid, iso: number, onProgress?: (fraction: number) => void, signal?: AbortSignal): Promise<TriangleMesh> {
  const worker = new Worker(new URL('./meshWorker.ts', import.meta.url), { type: 'module', name: 'marching cubes' });
  return new Promise<TriangleMesh>((resolve, reject) => {
    const cancel = () => reject(new DOMException('mesh extraction cancelled', 'AbortError'));
    if (signal?.aborted) return cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    worker.onerror = (e) => reject(new Error(`the marching cubes worker failed: ${e.message}`));
    worker.onmessage = (e: MessageEvent<MeshWorkerMessage>) => {
      const m = e.data;
      if (m.type === 'progress') onProgress?.(m.fraction);
      else if (m.type === 'done') resolve(m.mesh);
      else reject(new Error(m.message));
    };
    // The grid's values move to the worker: the caller does not need them afterwards.
    worker.postMessage({ grid, iso } satisfies MeshJob, [grid.values.buffer]);
  }).finally(() => worker.terminate());
}
