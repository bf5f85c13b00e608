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

export class OrbitController {
  private q: Quaternion;
  private vx = 0;
  private vy = 0;
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
   */
  drag(dx: number, dy: number, height: number): void {
    const ax = (dx / height) * Math.PI;
    const ay = (dy / height) * Math.PI;
    this.rotate(ax, ay);
    this.vx = ax;
    this.vy = ay;
  }

  /** Turns by angles (radians) about the camera's up axis and right axis. */
  rotate(yawAngle: number, pitchAngle: number): void {
    const r = new Quaternion().setFromAxisAngle(Y, -yawAngle).multiply(new Quaternion().setFromAxisAngle(X, -pitchAngle));
    this.q.multiply(r).normalize();
  }

  /** Inertia after a release: keeps turning with the last drag's velocity, decaying. Returns whether it still moves. */
  step(decay = 0.9): boolean {
    if (Math.abs(this.vx) + Math.abs(this.vy) < 1e-4) {
      this.vx = this.vy = 0;
      return false;
    }
    this.vx *= decay;
    this.vy *= decay;
    this.rotate(this.vx, this.vy);
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
