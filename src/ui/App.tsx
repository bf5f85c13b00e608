import { useEffect, useRef, useState } from 'react';
import { useViewer } from './store';
import { compareWithReference, currentModel, drawFrame, initWebGPU, loadModel, setSeed, snapshotCanvas } from './engine';
import { bundledModelFromUrl } from './modelUrl';
import { OrbitController } from './orbit';
import { jitterAt } from './progressive';

/** Still views refine to this resolution over PROGRESSIVE_FRAMES jittered frames; moving views use MOVING_RES. */
const FULL_RES = 64;
const MOVING_RES = 32;
const PROGRESSIVE_FRAMES = 8;

export function App() {
  const s = useViewer();
  const canvas = useRef<HTMLCanvasElement>(null);
  const orbit = useRef<OrbitController | null>(null);
  const loop = useRef({ dragging: false, moved: true, frame: 0, busy: false, lastX: 0, lastY: 0 });
  const [seedText, setSeedText] = useState('0');
  const frames = useRef(0);

  async function showSeed(seed: number) {
    s.set({ status: 'synthesizing', message: `Synthesising seed ${seed}…` });
    const synthMs = await setSeed(seed, useViewer.getState().psi);
    loop.current.moved = true;
    s.set({ status: 'ready', message: `Seed ${seed}`, seed, synthMs });
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
        const cam = m.generator.config.camera;
        orbit.current = new OrbitController({ radius: cam.radius, fovDeg: cam.fovDeg, homeYaw: 0.6, homePitch: 1.2 });
        s.set({ modelName: m.generator.config.name, modelMeta: m.meta });
        Object.assign((window as unknown as { __epigraf: object }).__epigraf, {
          compareWithReference,
          snapshotCanvas,
          frameCount: () => frames.current,
        });
        await showSeed(0);
      } catch (e) {
        s.set({ status: 'error', message: (e as Error).message });
      }
    })();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // The render loop: low resolution while the view moves, then jittered frames accumulated to full resolution.
  useEffect(() => {
    let raf = 0;
    const tick = () => {
      raf = requestAnimationFrame(tick);
      const L = loop.current;
      const o = orbit.current;
      if (L.busy || !o || !canvas.current || !currentModel() || useViewer.getState().status !== 'ready') return;
      const inertia = !L.dragging && o.step();
      const moving = L.dragging || inertia || L.moved;
      if (!moving && L.frame >= PROGRESSIVE_FRAMES) return;
      L.moved = false;
      if (moving) L.frame = 0;
      const n = L.frame++;
      const still = !moving;
      L.busy = true;
      drawFrame(canvas.current, {
        camera: o.camera,
        resolution: still ? FULL_RES : MOVING_RES,
        mode: 'rgb',
        skipping: true,
        frameIndex: n,
        jitter: still ? jitterAt(n) : [0, 0],
        blend: still ? 1 / (n + 1) : 1,
        showAccum: still,
      })
        .then((r) => {
          frames.current++;
          useViewer.getState().set({ renderMs: r.ms, evalsPerPixel: r.evalsPerPixel, refined: still ? n + 1 : 0 });
        })
        .catch((e) => useViewer.getState().set({ status: 'error', message: String((e as Error).message) }))
        .finally(() => {
          L.busy = false;
        });
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, []);

  const busy = s.status !== 'ready' && s.status !== 'error';
  const L = loop.current;
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
        aria-label="3D view"
        tabIndex={0}
        width={384}
        height={384}
        style={{ width: 384, height: 384, background: '#ddd', display: 'block', touchAction: 'none', cursor: 'grab' }}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          Object.assign(L, { dragging: true, lastX: e.clientX, lastY: e.clientY });
          orbit.current?.stop();
        }}
        onPointerMove={(e) => {
          if (!L.dragging || !orbit.current) return;
          orbit.current.drag(e.clientX - L.lastX, e.clientY - L.lastY, e.currentTarget.clientHeight);
          Object.assign(L, { lastX: e.clientX, lastY: e.clientY, moved: true });
        }}
        onPointerUp={() => (L.dragging = false)}
        onPointerCancel={() => (L.dragging = false)}
        onWheel={(e) => {
          orbit.current?.zoom(e.deltaY);
          L.moved = true;
        }}
        onDoubleClick={() => {
          orbit.current?.reset();
          L.moved = true;
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowLeft' || e.key === 'ArrowRight' || e.key === 'ArrowUp' || e.key === 'ArrowDown') {
            e.preventDefault();
            orbit.current?.key(e.key);
            L.moved = true;
          }
        }}
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
        </button>{' '}
        <button
          type="button"
          onClick={() => {
            orbit.current?.reset();
            L.moved = true;
          }}
        >
          Reset view
        </button>
      </form>
      <dl style={{ fontSize: 13, color: '#444' }}>
        <dt>Model</dt>
        <dd data-testid="model-name">{s.modelName || '—'}</dd>
        <dt>Backend</dt>
        <dd data-testid="backend">{s.backend ? `${s.backend} (${s.adapter})` : '—'}</dd>
        <dt>Timing</dt>
        <dd data-testid="timing">
          {s.status === 'ready'
            ? `synthesis ${s.synthMs.toFixed(0)} ms; WGSL frame ${s.renderMs.toFixed(0)} ms, ${s.evalsPerPixel.toFixed(1)} decoder evaluations per pixel; refined ${s.refined}/${PROGRESSIVE_FRAMES}`
            : '—'}
        </dd>
      </dl>
    </main>
  );
}
