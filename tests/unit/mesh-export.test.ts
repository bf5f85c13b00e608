/**
 * Mesh files round-trip through three's loaders: a GLB re-imports with GLTFLoader with the same vertices,
 * normals, colours and triangles; binary PLY and OBJ parse back with the same counts and colours.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { BufferGeometry, Mesh, type BufferAttribute } from 'three';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { PLYLoader } from 'three/examples/jsm/loaders/PLYLoader.js';
import { OBJLoader } from 'three/examples/jsm/loaders/OBJLoader.js';
import { marchingCubes } from '../../src/mesh/marchingCubes';
import { encodeMesh, meshFileName, meshGeometry } from '../../src/mesh/exportMesh';

/** GLTFExporter reads its Blob through FileReader, which Node lacks: the smallest stand-in. */
beforeAll(() => {
  if (typeof (globalThis as { FileReader?: unknown }).FileReader !== 'undefined') return;
  class NodeFileReader {
    result: ArrayBuffer | string | null = null;
    onloadend: (() => void) | null = null;
    readAsArrayBuffer(b: Blob) {
      void b.arrayBuffer().then((r) => ((this.result = r), this.onloadend?.()));
    }
    readAsDataURL(b: Blob) {
      void b.arrayBuffer().then((r) => ((this.result = `data:${b.type};base64,${Buffer.from(r).toString('base64')}`), this.onloadend?.()));
    }
  }
  Object.assign(globalThis, { FileReader: NodeFileReader });
});

function sphereMesh() {
  const n = 20;
  const values = new Float32Array(n ** 3);
  const p = (i: number) => -0.5 + i / (n - 1);
  for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) values[(z * n + y) * n + x] = 0.35 - Math.hypot(p(x), p(y), p(z));
  const m = marchingCubes({ values, size: [n, n, n], min: [-0.5, -0.5, -0.5], max: [0.5, 0.5, 0.5] }, 0);
  // Colours vary with position, so a lost or reordered colour attribute shows.
  const colors = Float32Array.from(m.positions, (v) => v + 0.5);
  return { ...m, colors };
}

const attr = (g: BufferGeometry, name: string) => g.getAttribute(name) as BufferAttribute;
/** Loaders hand colours back in three's linear working space; the files hold display (sRGB) values. */
const toSrgb = (c: number) => (c <= 0.0031308 ? c * 12.92 : 1.055 * c ** (1 / 2.4) - 0.055);

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>) {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe('mesh export', () => {
  const m = sphereMesh();
  const nv = m.positions.length / 3;
  const nt = m.indices.length / 3;

  it('has a real mesh to export and names files after model, seed and resolution', () => {
    expect(nv).toBeGreaterThan(500);
    expect(meshFileName('placeholder-untrained-tiny', { seed: 7, seedB: 1, t: 0 }, 128, 'glb')).toBe('placeholder-untrained-tiny-seed7-mesh128.glb');
    expect(meshFileName('small', { seed: 7, seedB: 9, t: 0.5 }, 64, 'ply')).toBe('small-seed7-to-9-t0.50-mesh64.ply');
  });

  it('GLB re-imports with GLTFLoader: same vertex count, positions, normals, colours and triangles', async () => {
    const { bytes, mime } = await encodeMesh(meshGeometry(m), 'glb', 'test-seed7');
    expect(mime).toBe('model/gltf-binary');
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('glTF');
    const gltf = await new GLTFLoader().parseAsync(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, '');
    const meshes: Mesh[] = [];
    gltf.scene.traverse((o) => {
      if ((o as Mesh).isMesh) meshes.push(o as Mesh);
    });
    expect(meshes.length).toBe(1);
    expect(meshes[0].name).toBe('test-seed7');
    const g = meshes[0].geometry;
    expect(attr(g, 'position').count).toBe(nv);
    expect(g.index!.count).toBe(3 * nt);
    expect(maxDiff(attr(g, 'position').array, m.positions)).toBeLessThan(1e-6);
    expect(maxDiff(attr(g, 'normal').array, m.normals)).toBeLessThan(1e-6);
    expect(maxDiff(g.index!.array, m.indices)).toBe(0);
    // COLOR_0 is linear; back to sRGB it is what was exported.
    const lin = attr(g, 'color');
    const srgb = Array.from({ length: nv * 3 }, (_, i) => {
      return toSrgb(lin.array[(i / 3 | 0) * lin.itemSize + (i % 3)]);
    });
    expect(maxDiff(srgb, m.colors)).toBeLessThan(1e-4);
  });

  it('binary PLY parses with PLYLoader: same vertices, faces and (8-bit) colours', async () => {
    const { bytes } = await encodeMesh(meshGeometry(m), 'ply');
    const header = new TextDecoder().decode(bytes.subarray(0, 300));
    expect(header).toMatch(/format binary_little_endian 1\.0/);
    expect(header).toContain(`element vertex ${nv}`);
    expect(header).toContain(`element face ${nt}`);
    const g = new PLYLoader().parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    expect(attr(g, 'position').count).toBe(nv);
    expect(g.index!.count).toBe(3 * nt);
    expect(maxDiff(attr(g, 'position').array, m.positions)).toBeLessThan(1e-6);
    expect(attr(g, 'normal').count).toBe(nv);
    // PLYLoader returns linear colours from the file's sRGB bytes.
    const c = attr(g, 'color');
    const back = Array.from(c.array, toSrgb);
    expect(maxDiff(back, m.colors)).toBeLessThan(1 / 255 + 1e-3);
  });

  it('OBJ parses with OBJLoader: every triangle, with vertex colours', async () => {
    const { bytes } = await encodeMesh(meshGeometry(m), 'obj');
    const text = new TextDecoder().decode(bytes);
    expect(text.match(/^v /gm)!.length).toBe(nv);
    expect(text.match(/^vn /gm)!.length).toBe(nv);
    expect(text.match(/^f /gm)!.length).toBe(nt);
    const group = new OBJLoader().parse(text);
    const mesh = group.children[0] as Mesh;
    const g = mesh.geometry as BufferGeometry;
    expect(attr(g, 'position').count).toBe(3 * nt); // OBJLoader un-indexes
    expect(attr(g, 'color').count).toBe(3 * nt);
    // Corner k of triangle t is vertex indices[3t + k].
    let err = 0;
    for (let i = 0; i < 3 * nt; i++) for (let k = 0; k < 3; k++) err = Math.max(err, Math.abs(attr(g, 'position').array[3 * i + k] - m.positions[3 * m.indices[i] + k]));
    expect(err).toBeLessThan(1e-5);
    // Colours survive too (OBJLoader hands them back linear, like the others).
    let colErr = 0;
    for (let i = 0; i < 3 * nt; i++)
      for (let k = 0; k < 3; k++) colErr = Math.max(colErr, Math.abs(toSrgb(attr(g, 'color').array[3 * i + k]) - m.colors[3 * m.indices[i] + k]));
    expect(colErr).toBeLessThan(1e-4);
  });
});
