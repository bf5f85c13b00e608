import { useCallback, useEffect, useRef } from 'react';
import { useViewer } from './store';
import { compareWithReference, currentModel, initWebGPU, loadModel, recoverFromDeviceLoss, renderToPixels, setLatent, snapshotCanvas } from './engine';
import { backendDevice, watchDeviceLoss } from './gpuDevice';
import { OrbitController } from './orbit';
import { formatUrlState, parseUrlState } from './urlState';
import { sourceFromFiles } from './weightsFiles';
import { ViewCanvas, PROGRESSIVE_FRAMES } from './ViewCanvas';
import { LatentPanel, RenderPanel } from './Panels';
import { ExportPanel, exporters } from './ExportPanel';
import { MeshPanel } from './MeshPanel';
import { TrainPanel } from './TrainPanel';
import { Fig9Panel } from './Fig9Panel';
import { Quaternion } from 'three';
import type { WeightsSource } from '../model/weights';

/** The bundled model the viewer opens (`public/weights/<name>/`); `?model=placeholder` opens the untrained one. */
export const DEFAULT_MODEL = 'tiny-env';

export function App() {
  const s = useViewer();
  const orbit = useRef<OrbitController | null>(null);
  const modelName = useRef(DEFAULT_MODEL);
  const synthesising = useRef<Promise<void> | null>(null);

  const writeUrl = useCallback(() => {
    const st = useViewer.getState();
    const o = orbit.current;
    if (st.status === 'error' || !o) return;
    const q = o.orientation;
    const url = formatUrlState({ model: modelName.current, seed: st.seed, seedB: st.seedB, interp: st.interp, psi: st.psi, label: st.classes ? st.label : undefined, q: [q.x, q.y, q.z, q.w], fov: o.fovDeg });
    window.history.replaceState(null, '', url);
  }, []);

  /** Loads and shows a model; `classLabel` (the URL's, at start-up) picks a conditional model's class. */
  async function adopt(source: string | WeightsSource, label: string, classLabel = 0) {
    s.set({ status: 'loading', message: `Loading ${label}…`, loading: { stage: 'weights', fraction: 0 } });
    const m = await loadModel(
      source,
      (loaded, total) => s.set({ message: `Loading ${label}… ${(loaded / 1e6).toFixed(1)} / ${(total / 1e6).toFixed(1)} MB`, loading: { stage: 'weights', fraction: (0.5 * loaded) / Math.max(total, 1) } }),
      () => s.set({ message: 'Compiling shaders…', loading: { stage: 'shader compile', fraction: 0.5 } }),
    ).catch((e) => {
      s.set({ loading: null });
      throw e;
    });
    const cam = m.generator.config.camera;
    const prev = orbit.current;
    orbit.current = new OrbitController({ radius: cam.radius, fovDeg: cam.fovDeg });
    if (prev) orbit.current.orientation = prev.orientation;
    const classes = m.generator.config.cDim;
    const known = classLabel < Math.max(classes, 1);
    if (!known) {
      const warning = useViewer.getState().warning;
      s.set({ warning: `${warning ? `${warning}\n` : ''}label=${classLabel}: this model has ${classes ? `${classes} classes (0 … ${classes - 1})` : 'no classes'}; showing ${classes ? 'class 0' : 'it unconditioned'}` });
    }
    s.set({ modelName: m.generator.config.name, modelMeta: m.meta, classes, label: known ? classLabel : 0 });
    await resynthesise();
  }

  async function resynthesise() {
    const st = useViewer.getState();
    s.set({
      status: 'synthesizing',
      message: `Synthesising seed ${st.seed}${st.interp > 0 ? ` → ${st.seedB} (${st.interp.toFixed(2)})` : ''}…`,
      ...(st.loading ? { loading: { stage: 'synthesis', fraction: 0.75 } } : {}),
    });
    const synthMs = await setLatent({ seed: st.seed, seedB: st.seedB, t: st.interp, psi: st.psi, label: st.label });
    s.set({ status: 'ready', message: `Seed ${st.seed}${st.interp > 0 ? ` → ${st.seedB} at ${st.interp.toFixed(2)}` : ''}`, synthMs, revision: useViewer.getState().revision + 1 });
    writeUrl();
  }

  // Start-up: WebGPU, URL state, the bundled model.
  useEffect(() => {
    (async () => {
      try {
        const info = await initWebGPU();
        s.set({ backend: info.backend, adapter: info.adapter });
        watchDeviceLoss(onDeviceLost);
      } catch (e) {
        s.set({ status: 'error', message: `${(e as Error).message}. This viewer needs WebGPU: use a current Chrome, Edge or Firefox Nightly (or Safari 26) with hardware acceleration enabled.` });
        return;
      }
      const { state, problems } = parseUrlState(window.location.search);
      s.set({
        warning: problems.join('\n'),
        ...(state.seed !== undefined ? { seed: state.seed } : {}),
        ...(state.seedB !== undefined ? { seedB: state.seedB } : {}),
        ...(state.interp !== undefined ? { interp: state.interp } : {}),
        ...(state.psi !== undefined ? { psi: state.psi } : {}),
      });
      modelName.current = state.model ?? DEFAULT_MODEL;
      const ex = exporters(orbit);
      Object.assign((window as unknown as { __epigraf: object }).__epigraf, {
        compareWithReference,
        snapshotCanvas,
        // Test hooks: exports as plain arrays (what the buttons would download).
        exportPng: async (size: number) => {
          const f = await ex.png(size);
          return { name: f.name, mime: f.mime, bytes: Array.from(f.bytes) };
        },
        // The current camera rendered small and deterministic (for comparing consecutive views).
        cameraOrigin: () => orbit.current!.camera.origin,
        // Simulates a device loss (the browser reports it exactly like a driver reset).
        loseDevice: () => backendDevice().destroy(),
        viewPixels: async (size: number) => Array.from(await renderToPixels(orbit.current!.camera, size, 1, () => [0, 0])),
        exportVideo: async (o: Parameters<typeof ex.video>[0]) => {
          const f = await ex.video(o);
          return { name: f.name, mime: f.mime, bytes: Array.from(f.bytes) };
        },
      });
      try {
        await adopt(`weights/${modelName.current}/`, `model "${modelName.current}"`, state.label ?? 0);
        if (state.q) orbit.current!.orientation = new Quaternion(...state.q);
        if (state.fov) orbit.current!.fovDeg = state.fov;
        s.set({ revision: useViewer.getState().revision + 1 });
      } catch (e) {
        s.set({ status: 'error', message: (e as Error).message });
      }
    })();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Latent changes re-synthesise (debounced); the old planes stay on screen until the new ones are ready.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = useViewer.subscribe((st, prev) => {
      if (st.seed === prev.seed && st.seedB === prev.seedB && st.interp === prev.interp && st.psi === prev.psi && st.label === prev.label) return;
      if (!currentModel()) return;
      clearTimeout(timer);
      timer = setTimeout(async () => {
        await synthesising.current;
        synthesising.current = resynthesise().catch((e) => s.set({ status: 'error', message: (e as Error).message }));
      }, 120);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  async function onDeviceLost(reason: string) {
    s.set({ status: 'loading', message: `The GPU device was lost (${reason}); recreating it…`, loading: { stage: 'recreating the GPU device', fraction: 0.5 } });
    try {
      await recoverFromDeviceLoss();
      watchDeviceLoss(onDeviceLost);
      s.set({ status: 'ready', message: `Recovered from a lost GPU device (${reason})`, revision: useViewer.getState().revision + 1 });
    } catch (e) {
      s.set({ status: 'error', message: `The GPU device was lost and could not be recreated: ${(e as Error).message}`, loading: null });
    }
  }

  async function onFiles(files: File[]) {
    try {
      await adopt(await sourceFromFiles(files), files.map((f) => f.name).join(', '));
      s.set({ warning: '' });
    } catch (e) {
      // The previous model (if any) keeps rendering; say what was wrong with the new one.
      s.set({ warning: `Could not load ${files.map((f) => f.name).join(', ')}: ${(e as Error).message}`, status: currentModel() ? 'ready' : 'error', message: currentModel() ? useViewer.getState().message : (e as Error).message });
    }
  }

  return (
    <main
      style={{ fontFamily: 'system-ui, sans-serif', padding: 16, maxWidth: 760 }}
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        void onFiles(Array.from(e.dataTransfer.files));
      }}
    >
      <h1 style={{ fontSize: 22 }}>EpiGRAF in the browser</h1>
      {s.modelMeta.placeholder ? (
        <p role="note" style={{ background: '#fff3cd', padding: 8 }}>
          Placeholder model: untrained random weights, for testing. The trained default opens without <code>?model=</code>.
        </p>
      ) : null}
      <ViewCanvas orbit={orbit} onCameraChange={writeUrl} />
      <p data-testid="status" data-status={s.status} role={s.status === 'error' ? 'alert' : 'status'}>
        {s.message}
      </p>
      {s.loading ? (
        <p style={{ margin: '4px 0' }}>
          <progress aria-label="Loading progress" value={s.loading.fraction} max={1} style={{ width: 240 }} /> {s.loading.stage}
        </p>
      ) : null}
      {s.warning ? (
        <p data-testid="warning" role="alert" style={{ background: '#fde2e2', padding: 8, whiteSpace: 'pre-wrap' }}>
          {s.warning}
        </p>
      ) : null}
      <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
        <button type="button" onClick={() => { orbit.current?.reset(); s.set({ revision: s.revision + 1 }); }}>
          Reset view
        </button>
        <label>
          Load weights{' '}
          <input type="file" aria-label="Load weights" multiple accept=".json,.bin,.zip" onChange={(e) => void onFiles(Array.from(e.target.files ?? []))} />
        </label>
      </div>
      <LatentPanel />
      <RenderPanel frames={PROGRESSIVE_FRAMES} />
      <ExportPanel orbit={orbit} />
      <MeshPanel />
      <TrainPanel onOpenWeights={onFiles} />
      <Fig9Panel />
      <dl style={{ fontSize: 13, color: '#444' }}>
        <dt>Model</dt>
        <dd data-testid="model-name">{s.modelName || '—'}</dd>
        <dt>Backend</dt>
        <dd data-testid="backend">{s.backend ? `${s.backend} (${s.adapter})` : '—'}</dd>
      </dl>
    </main>
  );
}
