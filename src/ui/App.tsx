import { useEffect, useRef, useState } from 'react';
import { useViewer } from './store';
import { compareWithReference, drawView, initWebGPU, loadModel, setSeed, snapshotCanvas, type ViewParams } from './engine';
import { bundledModelFromUrl } from './modelUrl';

const VIEW_RES = 64;

export function App() {
  const s = useViewer();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [seedText, setSeedText] = useState('0');
  const [yaw, setYaw] = useState(0.6);
  const [pitch, setPitch] = useState(1.2);

  const view = (): ViewParams => ({ yaw, pitch, resolution: VIEW_RES, mode: 'rgb', skipping: true });

  async function showSeed(seed: number) {
    s.set({ status: 'synthesizing', message: `Synthesising seed ${seed}…` });
    const synthMs = await setSeed(seed, useViewer.getState().psi);
    s.set({ status: 'rendering', message: 'Rendering…', synthMs });
    const r = await drawView(canvas.current!, view());
    s.set({ status: 'ready', message: `Seed ${seed}`, seed, renderMs: r.ms, evalsPerPixel: r.evalsPerPixel });
  }

  useEffect(() => {
    (async () => {
      try {
        const info = await initWebGPU();
        s.set({ backend: info.backend, adapter: info.adapter, status: 'loading', message: 'Loading weights…' });
        const name = bundledModelFromUrl(window.location.search);
        const m = await loadModel(`weights/${name}/`, (loaded, total) =>
          s.set({ message: `Loading weights… ${(loaded / 1e6).toFixed(1)} / ${(total / 1e6).toFixed(1)} MB` }),
        );
        s.set({ modelName: m.generator.config.name, modelMeta: m.meta });
        Object.assign((window as unknown as { __epigraf: object }).__epigraf, { compareWithReference: () => compareWithReference(view()), snapshotCanvas });
        await showSeed(0);
      } catch (e) {
        s.set({ status: 'error', message: (e as Error).message });
      }
    })();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    if (useViewer.getState().status !== 'ready') return;
    drawView(canvas.current!, view())
      .then((r) => s.set({ renderMs: r.ms, evalsPerPixel: r.evalsPerPixel }))
      .catch((e) => s.set({ status: 'error', message: String(e.message) }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [yaw, pitch]);

  const busy = s.status !== 'ready' && s.status !== 'error';
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 16, maxWidth: 720 }}>
      <h1 style={{ fontSize: 22 }}>EpiGRAF in the browser</h1>
      {s.modelMeta.placeholder ? (
        <p role="note" style={{ background: '#fff3cd', padding: 8 }}>
          Placeholder model: untrained random weights, shown until a trained default model ships.
        </p>
      ) : null}
      <canvas
        ref={canvas}
        aria-label="Rendered view of the generated object"
        width={384}
        height={384}
        style={{ width: 384, height: 384, background: '#ddd', display: 'block' }}
      />
      <p data-testid="status" data-status={s.status} role={s.status === 'error' ? 'alert' : 'status'}>
        {s.message}
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const seed = Number(seedText);
          if (Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff) void showSeed(seed).catch((err) => s.set({ status: 'error', message: String(err.message) }));
          else s.set({ message: `Seed must be an integer in [0, 4294967295] (got "${seedText}")` });
        }}
      >
        <label>
          Seed <input aria-label="Seed" value={seedText} onChange={(e) => setSeedText(e.target.value)} inputMode="numeric" size={10} />
        </label>{' '}
        <button type="submit" disabled={busy}>
          Render
        </button>
      </form>
      <label style={{ display: 'block' }}>
        Yaw <input type="range" aria-label="Yaw" min={-Math.PI} max={Math.PI} step={0.01} value={yaw} disabled={busy} onChange={(e) => setYaw(Number(e.target.value))} />
      </label>
      <label style={{ display: 'block' }}>
        Pitch <input type="range" aria-label="Pitch" min={0.01} max={Math.PI - 0.01} step={0.01} value={pitch} disabled={busy} onChange={(e) => setPitch(Number(e.target.value))} />
      </label>
      <dl style={{ fontSize: 13, color: '#444' }}>
        <dt>Model</dt>
        <dd data-testid="model-name">{s.modelName || '—'}</dd>
        <dt>Backend</dt>
        <dd data-testid="backend">{s.backend ? `${s.backend} (${s.adapter})` : '—'}</dd>
        <dt>Timing</dt>
        <dd data-testid="timing">
          {s.status === 'ready'
            ? `synthesis ${s.synthMs.toFixed(0)} ms; WGSL render ${s.renderMs.toFixed(0)} ms at ${VIEW_RES}², ${s.evalsPerPixel.toFixed(1)} decoder evaluations per pixel`
            : '—'}
        </dd>
      </dl>
    </main>
  );
}
