import { useRef, useState } from 'react';
import { useViewer } from './store';
import type { OrbitController } from './orbit';
import { download, exportPng, exportVideo, type ExportedFile, type VideoOptions } from './exportMedia';
import { CAMERA_PATHS, type CameraPathName } from '../render/cameraPaths';
import type { LatentParams } from './engine';

const PATH_NAMES: Record<CameraPathName, string> = {
  turn: 'Full 360° turn',
  front_circle: 'EpiGRAF front circle',
  poles: 'Loop over the poles',
  interpolation: 'Seed A → Seed B',
};

export function latentOf(s: ReturnType<typeof useViewer.getState>): LatentParams {
  return { seed: s.seed, seedB: s.seedB, t: s.interp, psi: s.psi, label: s.label };
}

/** Runs an export with the current view and latent (shared by the buttons and the test hooks). */
export function exporters(orbit: React.RefObject<OrbitController | null>) {
  const view = () => {
    const o = orbit.current;
    if (!o) throw new Error('no view yet');
    return { q: o.orientation, fov: o.fovDeg };
  };
  return {
    png: (size: number) => {
      const st = useViewer.getState();
      const v = view();
      return exportPng(v.q, v.fov, size, latentOf(st), st.modelName);
    },
    video: (o: VideoOptions, onProgress?: (d: number, t: number) => void, signal?: AbortSignal) => {
      const st = useViewer.getState();
      const v = view();
      return exportVideo(o, v.q, v.fov, latentOf(st), st.modelName, onProgress, signal);
    },
  };
}

/** Export image (PNG at a chosen size) and video (path, size, fps, length) with progress and cancel. */
export function ExportPanel({ orbit }: { orbit: React.RefObject<OrbitController | null> }) {
  const ready = useViewer((s) => s.status === 'ready');
  const set = useViewer((s) => s.set);
  const [size, setSize] = useState(256);
  const [path, setPath] = useState<CameraPathName>('turn');
  const [fps, setFps] = useState(24);
  const [seconds, setSeconds] = useState(4);
  const [progress, setProgress] = useState<number | null>(null);
  const abort = useRef<AbortController | null>(null);
  const run = async (job: () => Promise<ExportedFile>) => {
    try {
      download(await job());
    } catch (e) {
      if ((e as Error).name !== 'AbortError') set({ warning: `Export failed: ${(e as Error).message}` });
    } finally {
      setProgress(null);
      abort.current = null;
    }
  };
  const ex = exporters(orbit);
  return (
    <fieldset>
      <legend>Export</legend>
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', alignItems: 'center' }}>
        <label>
          Export size{' '}
          <select aria-label="Export size" value={size} onChange={(e) => setSize(Number(e.target.value))}>
            {[64, 128, 256, 512, 1024].map((s) => (
              <option key={s} value={s}>
                {s}²
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={!ready || progress !== null} onClick={() => run(() => ex.png(size))}>
          Export image
        </button>
        <label>
          Camera path{' '}
          <select aria-label="Camera path" value={path} onChange={(e) => setPath(e.target.value as CameraPathName)}>
            {CAMERA_PATHS.map((p) => (
              <option key={p} value={p}>
                {PATH_NAMES[p]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Video fps{' '}
          <select aria-label="Video fps" value={fps} onChange={(e) => setFps(Number(e.target.value))}>
            {[12, 24, 30].map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </label>
        <label>
          Video length{' '}
          <input type="number" aria-label="Video length" min={1} max={20} value={seconds} onChange={(e) => setSeconds(Math.min(20, Math.max(1, Number(e.target.value) || 1)))} style={{ width: 50 }} /> s
        </label>
        <button
          type="button"
          disabled={!ready || progress !== null}
          onClick={() => {
            abort.current = new AbortController();
            setProgress(0);
            void run(() => ex.video({ path, size, fps, seconds }, (d, t) => setProgress(d / t), abort.current!.signal));
          }}
        >
          Export video
        </button>
        {progress !== null ? (
          <>
            <progress aria-label="Export progress" value={progress} max={1} />
            <button type="button" onClick={() => abort.current?.abort()}>
              Cancel export
            </button>
          </>
        ) : null}
      </div>
    </fieldset>
  );
}
