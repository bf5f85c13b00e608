/**
 * The three.js preview of the last extracted mesh, orbitable with OrbitControls (WebGL: three's WebGPU
 * renderer would compete with tfjs for the device, and a preview needs nothing WebGL lacks). Owns the
 * renderer, scene, controls and the shown geometry; the React panel only hands it a canvas.
 */
import { Box3, Box3Helper, Color, DirectionalLight, HemisphereLight, Mesh, MeshStandardMaterial, PerspectiveCamera, Scene, Vector3, WebGLRenderer, type BufferGeometry } from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';

class MeshPreview {
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(35, 1, 0.01, 100);
  private readonly controls: OrbitControls;
  private readonly material = new MeshStandardMaterial({ vertexColors: true, roughness: 0.85, metalness: 0 });
  private mesh: Mesh | null = null;
  private box: Box3Helper | null = null;
  private readonly draw = () => this.renderer.render(this.scene, this.camera);

  constructor(readonly canvas: HTMLCanvasElement) {
    // preserveDrawingBuffer: the preview is drawn on demand and may be read back (tests, right-click save).
    this.renderer = new WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    this.renderer.setSize(canvas.clientWidth || canvas.width, canvas.clientHeight || canvas.height, false);
    this.scene.background = new Color(0xf2f2f2);
    this.scene.add(new HemisphereLight(0xffffff, 0x808080, 1.6));
    const sun = new DirectionalLight(0xffffff, 1.8);
    sun.position.set(1, 2, 1.5);
    this.camera.add(sun); // a head light: the lit side follows the orbit
    this.scene.add(this.camera);
    this.controls = new OrbitControls(this.camera, canvas);
    // Keyboard too (the canvas is focusable): arrows pan, Shift/Ctrl + arrows orbit.
    this.controls.listenToKeyEvents(canvas);
    this.controls.addEventListener('change', this.draw);
    this.draw();
  }

  /** Shows a geometry (taking ownership) inside the scene box [−half, half]³, framing the box. */
  show(geometry: BufferGeometry, half: number) {
    this.clear();
    this.mesh = new Mesh(geometry, this.material);
    this.box = new Box3Helper(new Box3(new Vector3(-half, -half, -half), new Vector3(half, half, half)), 0x999999);
    this.scene.add(this.mesh, this.box);
    this.camera.position.set(0.9, 0.6, 1.6).multiplyScalar(2.2 * half);
    this.controls.target.set(0, 0, 0);
    this.controls.update();
    this.draw();
  }

  private clear() {
    if (this.mesh) {
      this.scene.remove(this.mesh);
      this.mesh.geometry.dispose();
    }
    if (this.box) {
      this.scene.remove(this.box);
      this.box.dispose();
    }
    this.mesh = null;
    this.box = null;
  }

  dispose() {
    this.clear();
    this.controls.dispose();
    this.material.dispose();
    this.renderer.dispose();
  }
}

let preview: MeshPreview | null = null;
/** The last mesh shown, kept so that a re-mounted canvas shows it again. */
let last: { geometry: BufferGeometry; half: number } | null = null;

export function attachMeshPreview(canvas: HTMLCanvasElement): void {
  if (preview?.canvas === canvas) return;
  preview?.dispose();
  preview = new MeshPreview(canvas);
  if (last) preview.show(last.geometry.clone(), last.half);
}

export function detachMeshPreview(canvas: HTMLCanvasElement): void {
  if (preview?.canvas !== canvas) return;
  preview.dispose();
  preview = null;
}

/** Shows a mesh in the preview (the geometry is cloned: the caller keeps its own). */
export function showMeshPreview(geometry: BufferGeometry, half: number): void {
  last?.geometry.dispose();
  last = { geometry: geometry.clone(), half };
  preview?.show(geometry.clone(), half);
}
