/** EG3D-format poses and browser file lists feed the same importer. */
import { describe, it, expect } from 'vitest';
import { zipSync } from 'fflate';
import { Vector3 } from 'three';
import { encodePng } from '../../src/data/png';
import { importDataset } from '../../src/data/importDataset';
import { filesFromFileList } from '../../src/data/browserFiles';
import { eg3dToAngles } from '../../src/data/eg3d';

/** EG3D's create_cam2world_matrix for a camera at p looking at the origin, row-major 4×4 + intrinsics. */
function eg3dLabel(p: Vector3): number[] {
  const forward = p.clone().negate().normalize();
  const right = new Vector3(0, 1, 0).cross(forward).normalize().negate();
  const up = forward.clone().cross(right).normalize();
  const m = [right.x, up.x, forward.x, p.x, right.y, up.y, forward.y, p.y, right.z, up.z, forward.z, p.z, 0, 0, 0, 1];
  return [...m, 4.26, 0, 0.5, 0, 4.26, 0.5, 0, 0, 1];
}

const png = () => encodePng(new Uint8Array(8 * 8 * 4).fill(200), 8, 8);

describe('EG3D datasets', () => {
  it('poses in 25-number labels become EpiGRAF yaw/pitch; the dataset is unconditional', async () => {
    const cams = [[0.3, 1.2], [-2.0, 0.4], [2.9, 2.8]];
    const labels: [string, number[]][] = cams.map(([yaw, pitch], i) => [
      `img${i}.png`,
      eg3dLabel(new Vector3(Math.sin(pitch) * Math.cos(yaw), Math.cos(pitch), Math.sin(pitch) * Math.sin(yaw)).multiplyScalar(2.7)),
    ]);
    const files = new Map<string, Uint8Array>(labels.map(([n]) => [n, png()]));
    files.set('dataset.json', new TextEncoder().encode(JSON.stringify({ labels })));
    const ds = await importDataset(files);
    expect(ds.labels).toBeNull();
    cams.forEach(([yaw, pitch], i) => {
      expect(ds.cameraAngles[3 * i]).toBeCloseTo(yaw, 5);
      expect(ds.cameraAngles[3 * i + 1]).toBeCloseTo(pitch, 5);
    });
    expect(eg3dToAngles(new Array(25).fill(0))).toBeNull();
  });

  it('25-class one-hot labels are class labels, not EG3D poses', async () => {
    const onehot = (c: number) => Array.from({ length: 25 }, (_, i) => (i === c ? 1 : 0));
    const files = new Map<string, Uint8Array>([['a.png', png()], ['b.png', png()]]);
    files.set('dataset.json', new TextEncoder().encode(JSON.stringify({ labels: [['a.png', onehot(3)], ['b.png', onehot(11)]] })));
    await expect(importDataset(files)).rejects.toThrow(/has no "camera_angles"/);
  });
});

describe('browser file lists', () => {
  it('a picked folder (webkitRelativePath) and a dropped zip import alike', async () => {
    const json = JSON.stringify({ camera_angles: [['a.png', [0.5, 1.0, 0]], ['sub/b.png', [-0.5, 2.0, 0]]] });
    const folder = [
      Object.assign(new File([png() as BlobPart], 'a.png'), { webkitRelativePath: 'mydata/a.png' }),
      Object.assign(new File([png() as BlobPart], 'b.png'), { webkitRelativePath: 'mydata/sub/b.png' }),
      Object.assign(new File([json], 'dataset.json'), { webkitRelativePath: 'mydata/dataset.json' }),
    ];
    const a = await importDataset(await filesFromFileList(folder));
    const zip = new File([zipSync({ 'a.png': png(), 'sub/b.png': png(), 'dataset.json': new TextEncoder().encode(json) }) as BlobPart], 'data.zip');
    const b = await importDataset(await filesFromFileList([zip]));
    expect(a.names).toEqual(['a', 'sub/b']);
    expect(b.names).toEqual(a.names);
    expect(Array.from(b.cameraAngles)).toEqual(Array.from(a.cameraAngles));
  });
});
