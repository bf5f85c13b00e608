import { useEffect, useRef, useState } from 'react';
import { useViewer } from './store';
import { latentOf } from './ExportPanel';
import { download } from './exportMedia';
import { exportMesh } from './meshExport';
import { attachMeshPreview, detachMeshPreview } from '../mesh/meshPreview';
import { DEFAULT_MESH_THRESHOLD, MESH_RESOLUTIONS, type MeshStage } from '../mesh/extractMesh';
import { MESH_FORMATS, type MeshFormat } from '../mesh/exportMesh';

const STAGE_NAMES: Record<MeshStage, string> = { density: 'sampling density', marching: 'marching cubes', colours: 'vertex colours' };
const FORMAT_NAMES: Record<MeshFormat, string> = { glb: 'GLB (glTF binary)', ply: 'PLY', obj: 'OBJ' };

/**
 * Geometry export: marching cubes of the generator's raw density at a chosen lattice resolution and threshold,
 * vertex-coloured, as GLB / PLY / OBJ, with a progress bar, cancel, and an orbitable preview of the mesh.
 */
export function MeshPanel() {
  const ready = useViewer((s) => s.status === 'ready');
  const set = useViewer((s) => s.set);
  const [resolution, setResolution] = useState(128);
  const [threshold, setThreshold] = useState(String(DEFAULT_MESH_THRESHOLD));
  const [format, setFormat] = useState<MeshFormat>('glb');
  const [progress, setProgress] = useState<{ fraction: number; stage: MeshStage } | null>(null);
  const [summary, setSummary] = useState('');
  const abort = useRef<AbortController | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    try {
      attachMeshPreview(c);
    } catch (e) {
      setSummary(`Mesh preview unavailable: ${(e as Error).message}`);
    }
    return () => detachMeshPreview(c);
  }, []);

  const iso = Number(threshold);
  const run = async () => {
    abort.current = new AbortController();
    setProgress({ fraction: 0, stage: 'density' });
    try {
      const st = useViewer.getState();
      const f = await exportMesh({ resolution, threshold: iso, format }, latentOf(st), st.modelName, (fraction, stage) => setProgress({ fraction, stage }), abort.current.signal);
      download(f);
      setSummary(`${f.name}: ${f.vertices.toLocaleString('en')} vertices, ${f.triangles.toLocaleString('en')} triangles, raw σ ∈ [${f.sigmaRange[0].toFixed(2)}, ${f.sigmaRange[1].toFixed(2)}], ${(f.ms / 1000).toFixed(1)} s`);
    } catch (e) {
      if ((e as Error).name !== 'AbortError') set({ warning: `Mesh export failed: ${(e as Error).message}` });
    } finally {
      setProgress(null);
      abort.current = null;
    }
  };

  return (
    <fieldset>
      <legend>Mesh</legend>
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', alignItems: 'center' }}>
        <label>
          Mesh resolution{' '}
          <select aria-label="Mesh resolution" value={resolution} onChange={(e) => setResolution(Number(e.target.value))}>
            {MESH_RESOLUTIONS.map((r) => (
              <option key={r} value={r}>
                {r}³
              </option>
            ))}
          </select>
        </label>
        <label title="Level of the surface on the raw (pre-softplus) density σ; the official tools use 25">
          Mesh threshold{' '}
          <input type="number" step="any" aria-label="Mesh threshold" value={threshold} onChange={(e) => setThreshold(e.target.value)} style={{ width: 70 }} />
        </label>
        <label>
          Mesh format{' '}
          <select aria-label="Mesh format" value={format} onChange={(e) => setFormat(e.target.value as MeshFormat)}>
            {MESH_FORMATS.map((f) => (
              <option key={f} value={f}>
                {FORMAT_NAMES[f]}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={!ready || progress !== null || threshold.trim() === '' || !Number.isFinite(iso)} onClick={() => void run()}>
          Export mesh
        </button>
        {progress !== null ? (
          <>
            <progress aria-label="Mesh export progress" value={progress.fraction} max={1} /> {STAGE_NAMES[progress.stage]}
            <button type="button" onClick={() => abort.current?.abort()}>
              Cancel mesh export
            </button>
          </>
        ) : null}
      </div>
      <canvas ref={canvas} aria-label="Mesh preview" role="img" tabIndex={0} title="Drag to orbit, wheel to zoom; Shift + arrow keys orbit" width={256} height={256} style={{ width: 256, height: 256, marginTop: 8, cursor: 'grab', touchAction: 'none' }} />
      <p data-testid="mesh-summary" style={{ fontSize: 13, margin: '4px 0' }}>
        {summary}
      </p>
    </fieldset>
  );
}
