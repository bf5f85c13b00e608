/**
 * Orbit controller over the whole sphere: the camera's orientation is a quaternion, and drags rotate it about
 * the camera's own up and right axes, so the camera passes over the poles without flips, clamps or gimbal
 * lock (unlike yaw/pitch orbit controls). Zoom changes the field of view, so the camera stays on the sphere of
 * the model's radius where its near/far range and background parametrisation are valid. Pure state, no DOM.
 */
import { Quaternion, Vector3 } from 'three';
import { anglesOfCamera, cameraFromQuaternion, quaternionFromAngles, type Camera } from '../render/camera';

export interface OrbitOptions {
  radius: number;
  fovDeg: number;
  minFovDeg?: number;
  maxFovDeg?: number;
  /** Home view (official angles): yaw 0, pitch π/2 by default — the official frontal camera. */
  homeYaw?: number;
  homePitch?: number;
}

const X = new Vector3(1, 0, 0);
const Y = new Vector3(0, 1, 0);

/**
 * Inertia decays with this time constant, in wall time rather than per frame: a fling turns on by its release
 * speed × INERTIA_MS and settles within about a second whatever the frame rate, so that a slow renderer (a
 * software adapter at a few frames per second) refines the still view as soon as a fast one would.
 */
export const INERTIA_MS = 300;
/** Inertia ends below this angular speed (rad/ms: 3° a second), where a frame no longer visibly changes. */
const MIN_SPEED = 5e-5;
/** A release this long after the drag's last motion is a stop, not a fling: no inertia. */
export const HOLD_MS = 80;

export class OrbitController {
  private q: Quaternion;
  /** Angular velocity about the camera's up and right axes (rad/ms), carried on by inertia after a release. */
  private vx = 0;
  private vy = 0;
  private lastDragMs = -Infinity;
  private speedKnown = false;
  private lastStepMs = 0;
  fovDeg: number;

  constructor(private readonly o: OrbitOptions) {
    this.q = quaternionFromAngles(o.homeYaw ?? 0, o.homePitch ?? Math.PI / 2);
    this.fovDeg = o.fovDeg;
  }

  get camera(): Camera {
    return cameraFromQuaternion(this.q, this.o.radius, this.fovDeg);
  }

  get orientation(): Quaternion {
    return this.q.clone();
  }

  set orientation(q: Quaternion) {
    this.q = q.clone().normalize();
  }

  /** Official yaw/pitch of the current camera position (for display and URLs). */
  get angles(): { yaw: number; pitch: number } {
    return anglesOfCamera(this.camera);
  }

  /**
   * Rotates by a drag of (dx, dy) pixels in a viewport `height` pixels tall: a full-height drag turns the
   * object by π. Dragging right turns the object right; dragging down tilts its top towards the viewer.
   * `timeMs` (the pointer event's time) feeds the drag speed that inertia carries on after `release`.
   */
  drag(dx: number, dy: number, height: number, timeMs?: number): void {
    const ax = (dx / height) * Math.PI;
    const ay = (dy / height) * Math.PI;
    this.rotate(ax, ay);
    if (timeMs === undefined) return;
    const dt = timeMs - this.lastDragMs;
    if (dt > HOLD_MS) {
      // the drag starts, or paused: its speed starts afresh
      this.stop();
      this.speedKnown = false;
    } else if (dt > 0) {
      // smoothed, as pointer events come at uneven intervals
      const keep = this.speedKnown ? 0.5 : 0;
      this.vx = keep * this.vx + (1 - keep) * (ax / dt);
      this.vy = keep * this.vy + (1 - keep) * (ay / dt);
      this.speedKnown = true;
    }
    this.lastDragMs = timeMs;
  }

  /** Ends a drag at `timeMs`: inertia carries on its speed unless the pointer had come to rest first. */
  release(timeMs: number): void {
    if (timeMs - this.lastDragMs > HOLD_MS) this.stop();
    this.lastStepMs = timeMs;
  }

  /** Turns by angles (radians) about the camera's up axis and right axis. */
  rotate(yawAngle: number, pitchAngle: number): void {
    const r = new Quaternion().setFromAxisAngle(Y, -yawAngle).multiply(new Quaternion().setFromAxisAngle(X, -pitchAngle));
    this.q.multiply(r).normalize();
  }

  /**
   * Inertia after a release: turns by what the decaying speed covers since the last step (or the release), so
   * the path does not depend on how often this is called. Returns whether it still moves.
   */
  step(timeMs: number): boolean {
    if (Math.hypot(this.vx, this.vy) < MIN_SPEED) {
      this.stop();
      return false;
    }
    const decay = Math.exp(-Math.max(0, timeMs - this.lastStepMs) / INERTIA_MS);
    this.lastStepMs = timeMs;
    this.rotate(this.vx * INERTIA_MS * (1 - decay), this.vy * INERTIA_MS * (1 - decay));
    this.vx *= decay;
    this.vy *= decay;
    return true;
  }

  stop(): void {
    this.vx = this.vy = 0;
  }

  /** Wheel/pinch zoom: positive delta zooms out. */
  zoom(delta: number): void {
    const min = this.o.minFovDeg ?? 8;
    const max = this.o.maxFovDeg ?? 50;
    this.fovDeg = Math.min(max, Math.max(min, this.fovDeg * Math.exp(delta * 0.001)));
  }

  /** Arrow keys turn by a fixed step. */
  key(key: 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown', step = Math.PI / 24): void {
    const [a, b] = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[key];
    this.stop();
    this.rotate(a, b);
  }

  reset(): void {
    this.q = quaternionFromAngles(this.o.homeYaw ?? 0, this.o.homePitch ?? Math.PI / 2);
    this.fovDeg = this.o.fovDeg;
    this.stop();
  }
}
