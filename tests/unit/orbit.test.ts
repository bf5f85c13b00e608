import { describe, it, expect } from 'vitest';
import { Vector3 } from 'three';
import { HOLD_MS, INERTIA_MS, OrbitController } from '../../src/ui/orbit';
import { cameraFromAngles } from '../../src/render/camera';

const origin = (o: OrbitController) => new Vector3(...o.camera.origin);
const up = (o: OrbitController) => new Vector3(o.camera.rotation[3], o.camera.rotation[4], o.camera.rotation[5]);

describe('orbit controller', () => {
  it('starts at the official frontal camera and resets to it', () => {
    const o = new OrbitController({ radius: 1, fovDeg: 30 });
    const front = cameraFromAngles(0, Math.PI / 2, 1, 30);
    o.drag(120, -40, 400);
    o.zoom(300);
    o.reset();
    const c = o.camera;
    for (let i = 0; i < 9; i++) expect(c.rotation[i]).toBeCloseTo(front.rotation[i], 9);
    expect(c.fovDeg).toBe(30);
  });

  it('dragging up carries the camera over the north pole and down the far side: continuous, no flip', () => {
    const o = new OrbitController({ radius: 1, fovDeg: 30 });
    let prevO = origin(o);
    let prevUp = up(o);
    let maxY = -1;
    for (let i = 0; i < 400; i++) {
      o.drag(0, -2, 400); // 400 × 2 px on a 400 px viewport = 2π in total
      const p = origin(o);
      maxY = Math.max(maxY, p.y);
      expect(p.distanceTo(prevO)).toBeLessThan(0.02); // each step moves by π/200 ≈ 0.0157
      expect(up(o).angleTo(prevUp)).toBeLessThan(0.02); // the up vector turns smoothly with it
      expect(p.length()).toBeCloseTo(1, 9);
      prevO = p;
      prevUp = up(o);
    }
    expect(maxY).toBeGreaterThan(0.999); // it went through the pole
    expect(origin(o).distanceTo(new Vector3(1, 0, 0))).toBeLessThan(1e-6); // and came back round
  });

  it('dragging right turns the object right (the camera moves to its left)', () => {
    const o = new OrbitController({ radius: 1, fovDeg: 30 });
    const right0 = new Vector3(o.camera.rotation[0], o.camera.rotation[1], o.camera.rotation[2]);
    o.drag(20, 0, 400);
    expect(origin(o).dot(right0)).toBeLessThan(0);
    o.reset();
    o.drag(0, 20, 400); // drag down: the camera rises
    expect(origin(o).y).toBeGreaterThan(0);
  });

  /** A 400 px/s fling (4 px every 10 ms on a 400 px view: π rad/s), released at 45 ms; steps every `everyMs`. */
  function fling(everyMs: number) {
    const o = new OrbitController({ radius: 1, fovDeg: 30 });
    for (let t = 0; t <= 40; t += 10) o.drag(4, 0, 400, t);
    const atRelease = origin(o);
    o.release(45);
    let t = 45;
    while (o.step(t) && t < 10_000) t += everyMs;
    return { restMs: t - 45, turned: origin(o).angleTo(atRelease), o };
  }

  it('inertia carries a fling on by its speed × INERTIA_MS and settles in wall time, whatever the frame rate', () => {
    const speed = Math.PI / 1000; // rad/ms
    const minSpeed = 5e-5;
    const fast = fling(16); // 60 frames a second
    const slow = fling(250); // a software adapter's 4
    // It turns on by ∫ v e^(−t/τ) dt until the speed falls below 3°/s: v·τ·(1 − minSpeed / v).
    expect(fast.turned).toBeCloseTo(speed * INERTIA_MS * (1 - minSpeed / speed), 2);
    expect(slow.turned).toBeCloseTo(speed * INERTIA_MS * (1 - minSpeed / speed), 1);
    // …and the step after the one that took the speed under it, τ·ln(v / minSpeed) ≈ 1.24 s on, says it rests.
    const settle = INERTIA_MS * Math.log(speed / minSpeed);
    expect(fast.restMs).toBeGreaterThanOrEqual(settle);
    expect(fast.restMs).toBeLessThan(settle + 2 * 16);
    expect(slow.restMs).toBeGreaterThanOrEqual(settle);
    expect(slow.restMs).toBeLessThan(settle + 2 * 250);
    // The slow renderer ends on the same view.
    expect(origin(fast.o).distanceTo(origin(slow.o))).toBeLessThan(0.01);
  });

  it('no inertia after a drag that came to rest before its release, or one given no times', () => {
    const o = new OrbitController({ radius: 1, fovDeg: 30 });
    for (let t = 0; t <= 40; t += 10) o.drag(4, 0, 400, t);
    o.drag(4, 0, 400, 40 + HOLD_MS + 1); // after a pause the speed starts afresh…
    o.release(40 + 2 * HOLD_MS + 2); // …and a release after another pause is a stop
    const held = origin(o);
    expect(o.step(1000)).toBe(false);
    expect(origin(o).distanceTo(held)).toBe(0);
    const untimed = new OrbitController({ radius: 1, fovDeg: 30 });
    untimed.drag(30, 0, 400);
    expect(untimed.step(0)).toBe(false);
  });

  it('arrow keys and zoom stay within limits', () => {
    const o = new OrbitController({ radius: 1, fovDeg: 30, minFovDeg: 10, maxFovDeg: 45 });
    const before = origin(o);
    o.key('ArrowLeft');
    expect(origin(o).distanceTo(before)).toBeGreaterThan(0.1);
    o.zoom(1e5);
    expect(o.fovDeg).toBe(45);
    o.zoom(-1e5);
    expect(o.fovDeg).toBe(10);
  });
});
