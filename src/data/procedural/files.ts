/**
 * Lays rendered objects out in the official EpiGRAF dataset format: `00000/img00000000.png`, … plus
 * `dataset.json` with per-image camera angles and integer labels. Shared by the CLI (which renders in worker
 * threads) and by tests (which import the result back).
 */
import { encodePng } from '../png';
import { writeDatasetJson, type DatasetJsonEntry } from '../datasetJson';

export interface RenderedObject {
  label: number;
  views: { yaw: number; pitch: number; png: Uint8Array }[];
}

export function imagePath(i: number): string {
  return `${String(Math.floor(i / 1000)).padStart(5, '0')}/img${String(i).padStart(8, '0')}.png`;
}

/** Encodes RGBA views as PNG (for callers that rendered in this thread). */
export function encodeViews(label: number, views: { yaw: number; pitch: number; rgba: Uint8Array }[], resolution: number): RenderedObject {
  return { label, views: views.map((v) => ({ yaw: v.yaw, pitch: v.pitch, png: encodePng(v.rgba, resolution, resolution) })) };
}

export function datasetFiles(objects: RenderedObject[]): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const entries: DatasetJsonEntry[] = [];
  let i = 0;
  for (const o of objects)
    for (const v of o.views) {
      const p = imagePath(i++);
      files.set(p, v.png);
      entries.push({ path: p, yaw: v.yaw, pitch: v.pitch, roll: 0, label: o.label });
    }
  files.set('dataset.json', new TextEncoder().encode(writeDatasetJson(entries)));
  return files;
}
