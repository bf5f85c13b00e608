/**
 * Datasets built in memory, with no files: the procedural objects and the Figure 9 toy, in the same shape
 * as an imported EpiGRAF dataset so the trainer's batch sampler takes either (in-tab training needs no
 * download and no disk).
 */
import type { EpigrafDataset } from './importDataset';
import { generateObject, type DatasetOptions } from './procedural/generate';
import { imagePath } from './procedural/files';
import { figure9Toy, type ToyOptions } from './toy';

export function proceduralDataset(o: DatasetOptions & { objects: number }, onProgress?: (done: number) => void): EpigrafDataset {
  const names: string[] = [];
  const images: Uint8Array[] = [];
  const angles: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < o.objects; i++) {
    const s = generateObject(i, o);
    for (const v of s.views) {
      names.push(imagePath(names.length).replace(/\.png$/, ''));
      images.push(v.rgba);
      angles.push(v.yaw, v.pitch, 0);
      labels.push(s.label);
    }
    onProgress?.(i + 1);
  }
  return { names, resolution: o.resolution, images, cameraAngles: Float32Array.from(angles), labels: Int32Array.from(labels), numClasses: 3 };
}

export function toyDataset(o: ToyOptions = {}): EpigrafDataset {
  const toy = figure9Toy(o);
  return {
    names: toy.map((t) => t.name),
    resolution: o.resolution ?? 64,
    images: toy.map((t) => t.rgba),
    cameraAngles: Float32Array.from(toy.flatMap((t) => t.angles)),
    labels: null,
    numClasses: 0,
  };
}
