import { useEffect, useRef } from 'react';
import { useViewer } from './store';
import { currentModel, drawFrame } from './engine';
import type { OrbitController } from './orbit';
import { jitterAt, movingResolution, stillBands, updateMsPerPixel } from './progressive';

/** Still views refine over this many jittered frames; moving views render smaller (movingResolution). */
export const PROGRESSIVE_FRAMES = 8;

interface Props {
  orbit: React.RefObject<OrbitController | null>;
  /** Called when the camera comes to rest after a change (for the URL). */
  onCameraChange: () => void;
}

/** The 3D view: pointer/wheel/keyboard orbit, and the render loop (coarse while moving, refined when still). */
export function ViewCanvas({ orbit, onCameraChange }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  // unsettled: the camera moved since the view last came to rest
  // msPerPixel: recent frames' cost, which sizes the frames drawn while moving; movingRes: their size, chosen
  // when a movement starts and kept until the view rests, so that it does not flicker between two sizes
  const L = useRef({
    dragging: false, moved: true, unsettled: false, frame: 0, busy: false, lastX: 0, lastY: 0, revision: -1,
    msPerPixel: null as number | null, movingRes: null as number | null,
  });

  useEffect(() => {
    let raf = 0;
    const tick = () => {
      raf = requestAnimationFrame(tick);
      const l = L.current;
      const o = orbit.current;
      const st = useViewer.getState();
      if (l.busy || !o || !canvas.current || !currentModel() || st.status !== 'ready') return;
      if (st.revision !== l.revision) {
        l.revision = st.revision;
        l.moved = true;
      }
      const inertia = !l.dragging && o.step(performance.now());
      const moving = l.dragging || inertia || l.moved;
      if (moving) l.unsettled = true;
      else if (l.unsettled) {
        l.unsettled = false;
        onCameraChange();
      }
      if (!moving && l.frame >= PROGRESSIVE_FRAMES) return;
      l.moved = false;
      if (moving) l.frame = 0;
      const n = l.frame++;
      const still = !moving;
      if (still) l.movingRes = null;
      else l.movingRes ??= movingResolution(st.resolution, l.msPerPixel);
      const res = l.movingRes ?? st.resolution;
      l.busy = true;
      const t0 = performance.now();
      drawFrame(canvas.current, {
        camera: o.camera,
        resolution: res,
        mode: st.mode === 'depth' || st.mode === 'opacity' ? st.mode : 'rgb',
        skipping: true,
        frameIndex: n,
        jitter: still ? jitterAt(n) : [0, 0],
        blend: still ? 1 / (n + 1) : 1,
        showAccum: still,
        samples: st.samples,
        ignoreBg: !st.background || st.mode === 'foreground',
        bgOnly: st.mode === 'background',
        // A still frame longer than a moving one is drawn in bands, and a drag (or any change) stops it at the
        // next band instead of waiting for the whole frame.
        bands: still ? stillBands(res, l.msPerPixel) : 1,
        shouldStop: () => l.moved || l.dragging || useViewer.getState().revision !== l.revision,
      })
        .then((r) => {
          if (!r) return;
          l.msPerPixel = updateMsPerPixel(l.msPerPixel, r.ms, res);
          st.set({ renderMs: r.ms, fps: 1000 / (performance.now() - t0), evalsPerPixel: r.evalsPerPixel, refined: still ? n + 1 : 0, loading: null });
        })
        .catch((e) => st.set({ status: 'error', message: String((e as Error).message) }))
        .finally(() => {
          l.busy = false;
        });
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [orbit, onCameraChange]);

  const l = L.current;
  const moved = () => (l.moved = true);
  // Active pointers: one drags, two pinch-zoom.
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const pinch = () => {
    const [a, b] = [...pointers.current.values()];
    return Math.hypot(a.x - b.x, a.y - b.y);
  };
  const pinchDist = useRef(0);
  return (
    <canvas
      ref={canvas}
      aria-label="3D view"
      tabIndex={0}
      width={384}
      height={384}
      style={{ width: 384, height: 384, background: '#ddd', display: 'block', touchAction: 'none', cursor: 'grab' }}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
        if (pointers.current.size === 2) pinchDist.current = pinch();
        Object.assign(l, { dragging: pointers.current.size === 1, lastX: e.clientX, lastY: e.clientY });
        orbit.current?.stop();
      }}
      onPointerMove={(e) => {
        if (!pointers.current.has(e.pointerId) || !orbit.current) return;
        pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
        if (pointers.current.size === 2) {
          const d = pinch();
          orbit.current.zoom((pinchDist.current - d) * 4);
          pinchDist.current = d;
          moved();
          return;
        }
        if (!l.dragging) return;
        orbit.current.drag(e.clientX - l.lastX, e.clientY - l.lastY, e.currentTarget.clientHeight, e.timeStamp);
        Object.assign(l, { lastX: e.clientX, lastY: e.clientY, moved: true });
      }}
      onPointerUp={(e) => {
        pointers.current.delete(e.pointerId);
        if (l.dragging) orbit.current?.release(e.timeStamp);
        l.dragging = false;
      }}
      onPointerCancel={(e) => {
        pointers.current.delete(e.pointerId);
        orbit.current?.stop();
        l.dragging = false;
      }}
      onWheel={(e) => {
        orbit.current?.zoom(e.deltaY);
        moved();
      }}
      onDoubleClick={() => {
        orbit.current?.reset();
        moved();
      }}
      onKeyDown={(e) => {
        if (e.key === 'ArrowLeft' || e.key === 'ArrowRight' || e.key === 'ArrowUp' || e.key === 'ArrowDown') {
          e.preventDefault();
          orbit.current?.key(e.key);
          moved();
        }
      }}
    />
  );
}
