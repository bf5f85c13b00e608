import { useEffect, useRef, useState } from 'react';
import { useViewer } from './store';
import { currentModel, initWebGPU, loadModel, renderPreview } from './engine';
import { bundledModelFromUrl } from './modelUrl';

const PREVIEW_RES = 32;

export function App() {
  const s = useViewer();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [seedText, setSeedText] = useState('0');

  async function draw(seed: number) {
    const model = currentModel();
    if (!model) return;
    s.set({ status: 'rendering', message: `Synthesising and rendering seed ${seed}…` });
    const p = await renderPreview(model, seed, useViewer.getState().psi, PREVIEW_RES);
    const ctx = canvas.current?.getContext('2d');
    if (ctx) {
      canvas.current!.width = p.width;
      canvas.current!.height = p.height;
      ctx.putImageData(new ImageData(new Uint8ClampedArray(p.pixels), p.width, p.height), 0, 0);
    }
    s.set({ status: 'ready', message: `Seed ${seed}`, seed, synthMs: p.synthMs, renderMs: p.renderMs });
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
        await draw(0);
      } catch (e) {
        s.set({ status: 'error', message: (e as Error).message });
      }
    })();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

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
        width={PREVIEW_RES}
        height={PREVIEW_RES}
        style={{ width: 384, height: 384, imageRendering: 'pixelated', background: '#ddd', display: 'block' }}
      />
      <p data-testid="status" data-status={s.status} role={s.status === 'error' ? 'alert' : 'status'}>
        {s.message}
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const seed = Number(seedText);
          if (Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff) void draw(seed).catch((err) => s.set({ status: 'error', message: String(err.message) }));
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
      <dl style={{ fontSize: 13, color: '#444' }}>
        <dt>Model</dt>
        <dd data-testid="model-name">{s.modelName || '—'}</dd>
        <dt>Backend</dt>
        <dd data-testid="backend">{s.backend ? `${s.backend} (${s.adapter})` : '—'}</dd>
        <dt>Timing</dt>
        <dd>{s.status === 'ready' ? `synthesis ${s.synthMs.toFixed(0)} ms, render ${s.renderMs.toFixed(0)} ms at ${PREVIEW_RES}²` : '—'}</dd>
      </dl>
    </main>
  );
}
