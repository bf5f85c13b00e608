/**
 * Mesh files with three's exporters: GLB (glTF binary), PLY (binary little-endian) and OBJ, each with
 * positions, normals, vertex colours and shared (indexed) vertices where the format has them.
 *
 * three keeps vertex colours in its linear working space and the exporters convert where the format wants
 * sRGB (PLY, OBJ); glTF's COLOR_0 is linear by definition. So the decoder's display (sRGB) colours are
 * linearised once, here.
 */
import { BufferAttribute, BufferGeometry, Color, Mesh, MeshStandardMaterial, SRGBColorSpace } from 'three';
import { GLTFExporter } from 'three/examples/jsm/exporters/GLTFExporter.js';
import { PLYExporter } from 'three/examples/jsm/exporters/PLYExporter.js';
import { OBJExporter } from 'three/examples/jsm/exporters/OBJExporter.js';
import type { ColouredMesh } from './extractMesh';

export const MESH_FORMATS = ['glb', 'ply', 'obj'] as const;
export type MeshFormat = (typeof MESH_FORMATS)[number];

const MIME: Record<MeshFormat, string> = { glb: 'model/gltf-binary', ply: 'application/octet-stream', obj: 'model/obj' };

export function meshGeometry(m: Pick<ColouredMesh, 'positions' | 'normals' | 'indices' | 'colors'>): BufferGeometry {
  const g = new BufferGeometry();
  g.setAttribute('position', new BufferAttribute(m.positions, 3));
  g.setAttribute('normal', new BufferAttribute(m.normals, 3));
  const linear = new Float32Array(m.colors.length);
  const c = new Color();
  for (let i = 0; i < linear.length; i += 3) c.setRGB(m.colors[i], m.colors[i + 1], m.colors[i + 2], SRGBColorSpace).toArray(linear, i);
  g.setAttribute('color', new BufferAttribute(linear, 3));
  g.setIndex(new BufferAttribute(m.indices, 1));
  g.computeBoundingSphere();
  return g;
}

/** File name: `<model>-seed<seed>[-to-<seedB>-t<t>]-mesh<resolution>.<ext>` (model already slugged). */
export function meshFileName(slugModel: string, latent: { seed: number; seedB: number; t: number }, resolution: number, format: MeshFormat): string {
  const interp = latent.t > 0 ? `-to-${latent.seedB}-t${latent.t.toFixed(2)}` : '';
  return `${slugModel}-seed${latent.seed}${interp}-mesh${resolution}.${format}`;
}

/** Encodes a geometry in a format; `name` names the glTF node. */
export async function encodeMesh(geometry: BufferGeometry, format: MeshFormat, name = 'mesh'): Promise<{ bytes: Uint8Array; mime: string }> {
  const material = new MeshStandardMaterial({ vertexColors: true, roughness: 0.9, metalness: 0 });
  const mesh = new Mesh(geometry, material);
  mesh.name = name;
  try {
    let bytes: Uint8Array;
    if (format === 'glb') bytes = new Uint8Array((await new GLTFExporter().parseAsync(mesh, { binary: true })) as ArrayBuffer);
    else if (format === 'ply') {
      // The return value is the file; a callback would only be scheduled with requestAnimationFrame (absent in Node).
      const out = new PLYExporter().parse(mesh, null as unknown as (r: ArrayBuffer) => void, { binary: true, littleEndian: true });
      if (!(out instanceof ArrayBuffer)) throw new Error('the PLY exporter returned no binary data');
      bytes = new Uint8Array(out);
    } else bytes = new TextEncoder().encode(new OBJExporter().parse(mesh));
    return { bytes, mime: MIME[format] };
  } finally {
    material.dispose();
  }
}
