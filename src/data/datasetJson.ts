/**
 * dataset.json of the official EpiGRAF / StyleGAN2-ADA dataset layout:
 *   { "labels": …, "camera_angles": … }
 * where each field is null, absent, an object {path: value} or a list of [path, value] pairs (what
 * dataset_tool.py writes). Paths are relative to the dataset root; they are matched without their image
 * extension, so the keys this module returns have it stripped.
 */
import { DatasetError } from './datasetError';

export type Angles = [yaw: number, pitch: number, roll: number];
/** An integer class, or a float conditioning vector; integrality is checked against the images later. */
export type LabelValue = number | number[];

export interface DatasetJson {
  labels: Map<string, LabelValue> | null;
  cameraAngles: Map<string, Angles> | null;
}

export interface DatasetJsonEntry {
  /** Path relative to the dataset root, with its extension, e.g. "00000/img00000000.png". */
  path: string;
  yaw: number;
  pitch: number;
  roll?: number;
  label?: number;
}

/** Everything PIL would open as an image in the official loader, plus the usual JPEG spellings. */
export const IMAGE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'jpe', 'bmp', 'gif', 'webp', 'tif', 'tiff', 'ppm', 'pgm', 'tga']);

/** Forward slashes, no leading "./" or "/": how both zip entries and dataset.json keys are compared. */
export function normalizePath(path: string): string {
  let p = path.replace(/\\/g, '/');
  while (p.startsWith('./') || p.startsWith('/')) p = p.startsWith('/') ? p.slice(1) : p.slice(2);
  return p;
}

/** Lower-case extension of the last path segment, '' when there is none. */
export function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** Only image extensions are stripped, so a key like "car.v2" (for "car.v2.png") keeps its dot. */
export function stripImageExtension(path: string): string {
  const ext = extensionOf(path);
  return IMAGE_EXTENSIONS.has(ext) ? path.slice(0, path.length - ext.length - 1) : path;
}

const typeName = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function readField<T>(
  root: Record<string, unknown>,
  field: string,
  file: string,
  convert: (value: unknown, key: string) => T,
): Map<string, T> | null {
  const raw = root[field];
  if (raw === undefined || raw === null) return null;
  let pairs: [unknown, unknown][];
  if (Array.isArray(raw)) {
    pairs = raw.map((item, i) => {
      if (!Array.isArray(item) || item.length !== 2) {
        throw new DatasetError(file, `"${field}" item ${i} must be a [path, value] pair, got ${typeName(item)}`);
      }
      return [item[0], item[1]];
    });
  } else if (typeof raw === 'object') {
    pairs = Object.entries(raw as Record<string, unknown>);
  } else {
    throw new DatasetError(file, `"${field}" must be an object or a list of [path, value] pairs, got ${typeName(raw)}`);
  }
  const out = new Map<string, T>();
  const original = new Map<string, string>();
  for (const [path, value] of pairs) {
    if (typeof path !== 'string' || path === '') {
      throw new DatasetError(file, `"${field}" has an entry whose path is ${typeName(path)}, expected a non-empty string`);
    }
    const key = stripImageExtension(normalizePath(path));
    const seen = original.get(key);
    if (seen !== undefined) {
      const as = seen === path ? `"${path}" twice` : `both "${seen}" and "${path}"`;
      throw new DatasetError(file, `duplicate entry in "${field}": ${as} (paths are matched without extension)`);
    }
    original.set(key, path);
    out.set(key, convert(value, path));
  }
  return out;
}

/** Parses and type-checks dataset.json; `file` is its path, for error messages. Throws only DatasetError. */
export function parseDatasetJson(text: string, file = 'dataset.json'): DatasetJson {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    const hint = /\bNaN\b|\bInfinity\b/.test(text) ? ' (NaN and Infinity are not valid JSON)' : '';
    throw new DatasetError(file, `invalid JSON: ${e instanceof Error ? e.message : String(e)}${hint}`);
  }
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw new DatasetError(file, `must hold a JSON object with "labels" and/or "camera_angles", got ${typeName(root)}`);
  }
  const obj = root as Record<string, unknown>;
  const cameraAngles = readField(obj, 'camera_angles', file, (v, path): Angles => {
    if (!Array.isArray(v) || v.length !== 3 || !v.every(isFiniteNumber)) {
      throw new DatasetError(file, `camera_angles of "${path}" must be [yaw, pitch, roll] (3 finite numbers), got ${JSON.stringify(v)}`);
    }
    return [v[0], v[1], v[2]];
  });
  const labels = readField(obj, 'labels', file, (v, path): LabelValue => {
    if (isFiniteNumber(v)) return v;
    if (Array.isArray(v) && v.length > 0 && v.every(isFiniteNumber)) return v.slice();
    throw new DatasetError(file, `label of "${path}" must be a class number or a list of numbers, got ${JSON.stringify(v)}`);
  });
  return { labels, cameraAngles };
}

/**
 * dataset.json as the official tools write it: lists of [path, value] pairs keyed by the path with its
 * extension, and "labels": null unless every entry has one.
 */
export function writeDatasetJson(entries: readonly DatasetJsonEntry[]): string {
  const labelled = entries.filter((e) => e.label !== undefined).length;
  if (labelled !== 0 && labelled !== entries.length) {
    throw new Error(`writeDatasetJson: ${labelled} of ${entries.length} entries have a label; give all or none`);
  }
  return JSON.stringify({
    labels: labelled === 0 ? null : entries.map((e) => [e.path, e.label]),
    camera_angles: entries.map((e) => [e.path, [e.yaw, e.pitch, e.roll ?? 0]]),
  });
}
