/**
 * Import of datasets in the official EpiGRAF layout: a folder or zip of images plus one dataset.json with
 * per-image camera angles (and optionally class labels). Checks everything the official loader and
 * training script assert, up front, and reports it as a DatasetError naming the offending file.
 */
import { eg3dToAngles, isEg3dLabels } from './eg3d';
import { unzipSync } from 'fflate';
import { DatasetError } from './datasetError';
import { extensionOf, IMAGE_EXTENSIONS, normalizePath, parseDatasetJson, stripImageExtension, type Angles, type DatasetJson } from './datasetJson';
import { decodePng } from './png';

export { DatasetError };

export interface EpigrafDataset {
  /** Image paths relative to the dataset root without extension, sorted. */
  names: string[];
  resolution: number;
  /** RGBA, resolution × resolution, row-major, one per name. */
  images: Uint8Array[];
  /** [yaw, pitch, roll] per image, radians. */
  cameraAngles: Float32Array;
  /** Class per image, or null for an unconditional dataset. */
  labels: Int32Array | null;
  /** max(label) + 1 (the official one-hot size), 0 without labels. */
  numClasses: number;
}

export interface ImportOptions {
  /** How to call the dataset itself (zip name, folder path) in errors that are not about one file. */
  label?: string;
}

const DATASET_JSON = 'dataset.json';
const JPEG_EXTENSIONS = new Set(['jpg', 'jpeg', 'jpe']);
/** Lets the browser paint between batches of decodes on large datasets. */
const YIELD_EVERY = 64;

/**
 * Files that are not part of the dataset: macOS zip metadata, dotfiles, and the `_depth.png` maps the
 * official loader also leaves out of the image list.
 */
function isIgnored(path: string): boolean {
  return path.split('/').some((s) => s.startsWith('.') || s === '__MACOSX') || path.endsWith('_depth.png');
}

/** Whether a path can matter to importDataset; lets zip and folder readers skip everything else unread. */
export function isDatasetFile(path: string): boolean {
  const p = normalizePath(path);
  if (p === '' || p.endsWith('/') || isIgnored(p)) return false;
  return p.split('/').pop() === DATASET_JSON || IMAGE_EXTENSIONS.has(extensionOf(p));
}

/** Drops one folder that wraps everything, as zipping a dataset folder produces. */
function stripCommonFolder(files: Map<string, Uint8Array>): Map<string, Uint8Array> {
  const paths = [...files.keys()];
  const top = paths[0]?.split('/')[0];
  if (top === undefined || !paths.every((p) => p.startsWith(top + '/'))) return files;
  return new Map([...files].map(([p, b]) => [p.slice(top.length + 1), b]));
}

export function filesFromZip(bytes: Uint8Array, label = 'zip'): Map<string, Uint8Array> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (f) => isDatasetFile(f.name) });
  } catch (e) {
    throw new DatasetError(label, `not a readable zip archive (${e instanceof Error ? e.message : String(e)})`);
  }
  const files = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(entries)) if (isDatasetFile(name)) files.set(normalizePath(name), data);
  return stripCommonFolder(files);
}

function readJson(files: Map<string, Uint8Array>, where: string): { file: string; json: DatasetJson } {
  // Shallowest first, so the error names the stray copy rather than the root one.
  const depth = (p: string) => p.split('/').length;
  const found = [...files.keys()].filter((p) => p.split('/').pop() === DATASET_JSON).sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : 1));
  if (found.length === 0) {
    throw new DatasetError(DATASET_JSON, `missing from ${where}; an EpiGRAF dataset needs one dataset.json with the camera angles of every image`);
  }
  if (found.length > 1) {
    throw new DatasetError(found[1], `more than one dataset.json (also ${found[0]}); a dataset must have exactly one`);
  }
  const file = found[0];
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(files.get(file));
  } catch {
    throw new DatasetError(file, 'is not UTF-8 text');
  }
  return { file, json: parseDatasetJson(text, file) };
}

/** name (no extension) → path, refusing two images that only differ by extension. */
function collectImages(files: Map<string, Uint8Array>): Map<string, string> {
  const byName = new Map<string, string>();
  for (const path of [...files.keys()].sort()) {
    const ext = extensionOf(path);
    if (!IMAGE_EXTENSIONS.has(ext)) continue;
    const name = stripImageExtension(path);
    const other = byName.get(name);
    if (other !== undefined) {
      throw new DatasetError(path, `duplicate image name "${name}" (also ${other}); names are compared without extension`);
    }
    byName.set(name, path);
  }
  for (const path of byName.values()) {
    const ext = extensionOf(path);
    if (JPEG_EXTENSIONS.has(ext)) throw new DatasetError(path, 'JPEG images are not supported in this build; convert the dataset to PNG');
    if (ext !== 'png') throw new DatasetError(path, `.${ext} images are not supported; convert the dataset to PNG`);
  }
  return byName;
}

function checkAngles(names: string[], paths: Map<string, string>, angles: Map<string, Angles>, jsonFile: string): Float32Array {
  const out = new Float32Array(names.length * 3);
  let yawSq = 0;
  let pitchSq = 0;
  names.forEach((name, i) => {
    const a = angles.get(name);
    const path = paths.get(name)!;
    if (a === undefined) throw new DatasetError(path, `no camera angles in ${jsonFile}`);
    const [yaw, pitch, roll] = a;
    if (yaw < -Math.PI || yaw > Math.PI) throw new DatasetError(path, `yaw ${yaw} is outside [−π, π] (yaw is zero-centred, in radians)`);
    if (pitch < 0 || pitch > Math.PI) throw new DatasetError(path, `pitch ${pitch} is outside [0, π] (pitch is measured from +y, in radians)`);
    yawSq += yaw * yaw;
    pitchSq += pitch * pitch;
    out.set([yaw, pitch, roll], 3 * i);
  });
  // Same thresholds as the official training script: a pose-less dataset reads as all zeros.
  if (Math.sqrt(yawSq) <= 0.1) throw new DatasetError(jsonFile, 'broken camera angles: yaw angles are all zeros (√Σyaw² ≤ 0.1)');
  if (Math.sqrt(pitchSq) <= 0.1) throw new DatasetError(jsonFile, 'broken camera angles: pitch angles are all zeros (√Σpitch² ≤ 0.1)');
  return out;
}

/** Class indices; one-hot vectors are accepted as classes, other float vectors are not (the model takes classes). */
function checkLabels(names: string[], paths: Map<string, string>, labels: Map<string, number | number[]>, jsonFile: string) {
  const values = names.map((name) => {
    const v = labels.get(name);
    if (v === undefined) throw new DatasetError(paths.get(name)!, `no label in ${jsonFile} (other images have one)`);
    return v;
  });
  const vectors = values.filter(Array.isArray).length;
  if (vectors !== 0 && vectors !== values.length) throw new DatasetError(jsonFile, 'labels mix class numbers and vectors');
  const out = new Int32Array(names.length);
  let numClasses = 0;
  values.forEach((v, i) => {
    const path = paths.get(names[i])!;
    let cls: number;
    if (Array.isArray(v)) {
      if (v.length !== (values[0] as number[]).length) throw new DatasetError(path, `label has ${v.length} entries, others ${(values[0] as number[]).length}`);
      cls = v.indexOf(1);
      if (v.every((x) => x === 0)) throw new DatasetError(path, `label is all zeros: a one-hot class label has one 1`);
      if (cls < 0 || v.some((x, j) => x !== (j === cls ? 1 : 0))) {
        throw new DatasetError(path, `label ${JSON.stringify(v)} is a float vector; only class labels (integers or one-hot) are supported`);
      }
      numClasses = v.length;
    } else {
      if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw new DatasetError(path, `label ${v} is not a non-negative integer class`);
      cls = v;
      numClasses = Math.max(numClasses, v + 1);
    }
    out[i] = cls;
  });
  return { labels: out, numClasses };
}

/** Every dataset.json entry must name an image, so a typo or a forgotten file cannot go unnoticed. */
function checkNoStrayEntries(json: DatasetJson, paths: Map<string, string>, jsonFile: string): void {
  for (const [field, map] of [['camera_angles', json.cameraAngles], ['labels', json.labels]] as const) {
    for (const key of map?.keys() ?? []) {
      if (!paths.has(key)) throw new DatasetError(jsonFile, `${field} lists "${key}" but there is no image with that name`);
    }
  }
}

/**
 * `files` maps paths relative to the dataset root (forward slashes) to their bytes, e.g. from
 * filesFromZip or filesFromDir; one folder wrapping everything is dropped. Throws only DatasetError for
 * bad input.
 */
export async function importDataset(files: Map<string, Uint8Array>, opts: ImportOptions = {}): Promise<EpigrafDataset> {
  const where = opts.label ?? 'the dataset';
  const picked = new Map<string, Uint8Array>();
  for (const [p, b] of files) if (isDatasetFile(p)) picked.set(normalizePath(p), b);
  // Browser folder pickers prefix every path with the picked folder's name.
  const relevant = stripCommonFolder(picked);
  const { file: jsonFile, json } = readJson(relevant, where);
  const paths = collectImages(relevant);
  if (paths.size === 0) throw new DatasetError(opts.label ?? '.', 'no images found (expected PNG files next to dataset.json)');
  if (json.cameraAngles === null && isEg3dLabels(json.labels)) {
    // EG3D layout: poses live in the labels; the dataset is unconditional.
    const angles = new Map<string, Angles>();
    for (const [name, label] of json.labels) {
      const a = eg3dToAngles(label);
      if (!a) throw new DatasetError(paths.get(name) ?? jsonFile, 'EG3D camera sits at the origin: its pose has no direction');
      angles.set(name, a);
    }
    json.cameraAngles = angles;
    json.labels = null;
  }
  if (json.cameraAngles === null) {
    throw new DatasetError(jsonFile, 'has no "camera_angles", so every angle reads as zero: broken yaw angles (all zeros); EpiGRAF needs a camera pose per image');
  }
  checkNoStrayEntries(json, paths, jsonFile);
  const names = [...paths.keys()].sort();
  const cameraAngles = checkAngles(names, paths, json.cameraAngles, jsonFile);
  // An empty "labels" ({} or []) is an unlabelled dataset, as null is.
  const { labels, numClasses } = json.labels === null || json.labels.size === 0 ? { labels: null, numClasses: 0 } : checkLabels(names, paths, json.labels, jsonFile);

  const images: Uint8Array[] = [];
  let first: { path: string; size: number } | null = null;
  for (const [i, name] of names.entries()) {
    if (i > 0 && i % YIELD_EVERY === 0) await new Promise((r) => setTimeout(r, 0));
    const path = paths.get(name)!;
    let img: ReturnType<typeof decodePng>;
    try {
      img = decodePng(relevant.get(path)!);
    } catch (e) {
      throw new DatasetError(path, `unreadable image (${e instanceof Error ? e.message : String(e)})`);
    }
    if (img.width !== img.height) throw new DatasetError(path, `image is ${img.width}×${img.height}; images must be square`);
    first ??= { path, size: img.width };
    if (img.width !== first.size) {
      throw new DatasetError(path, `image is ${img.width}×${img.width} but ${first.path} is ${first.size}×${first.size}; all images must have the same size`);
    }
    images.push(img.rgba);
  }
  return { names, resolution: first!.size, images, cameraAngles, labels, numClasses };
}
