import { describe, it, expect } from 'vitest';
import { Vector3 } from 'three';
import { OrbitController } from '../../src/ui/orbit';
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

  it('inertia decays to rest; arrow keys and zoom stay within limits', () => {
    const o = new OrbitController({ radius: 1, fovDeg: 30, minFovDeg: 10, maxFovDeg: 45 });
    o.drag(30, 0, 400);
    let steps = 0;
    while (o.step() && steps < 1000) steps++;
    expect(steps).toBeGreaterThan(5);
    expect(steps).toBeLessThan(200);
    const before = origin(o);
    o.key('ArrowLeft');
    expect(origin(o).distanceTo(before)).toBeGreaterThan(0.1);
    o.zoom(1e5);
    expect(o.fovDeg).toBe(45);
    o.zoom(-1e5);
    expect(o.fovDeg).toBe(10);
  });
});
