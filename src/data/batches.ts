/** Random training batches from an imported dataset, in the layout the tfjs discriminator takes. */
import type { EpigrafDataset } from './importDataset';

export interface Batch {
  /** B × R × R × 3 (NHWC), pixel / 127.5 − 1, as the official training loop scales uint8 images. */
  images: Float32Array;
  /** B × 3: [yaw, pitch, roll], yaw negated for mirrored samples. */
  cameraAngles: Float32Array;
  labels: Int32Array | null;
  /** Dataset index of each sample. */
  indices: Int32Array;
  /** 1 where the sample was mirrored. */
  mirrored: Uint8Array;
}

export interface BatchOptions {
  /** x-flip half of the samples (the official `mirror` option); the flipped camera sees the object from −yaw. */
  mirror: boolean;
}

/**
 * Which samples a batch takes, with replacement, and which are mirrored (yaw negated in `cameraAngles`).
 * `rng` returns uniforms in [0, 1); it is called once per sample for the index and, with mirroring, once
 * more for the flip, so a seeded rng gives reproducible batches.
 */
export function pickSamples(
  ds: EpigrafDataset,
  batchSize: number,
  rng: () => number,
  opts: BatchOptions,
): Pick<Batch, 'indices' | 'mirrored' | 'cameraAngles' | 'labels'> {
  const n = ds.images.length;
  if (n === 0) throw new Error('sampleBatch: empty dataset');
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`sampleBatch: invalid batch size ${batchSize}`);
  const cameraAngles = new Float32Array(batchSize * 3);
  const labels = ds.labels ? new Int32Array(batchSize) : null;
  const indices = new Int32Array(batchSize);
  const mirrored = new Uint8Array(batchSize);
  for (let b = 0; b < batchSize; b++) {
    const idx = Math.min(n - 1, Math.floor(rng() * n));
    const flip = opts.mirror && rng() < 0.5;
    indices[b] = idx;
    mirrored[b] = flip ? 1 : 0;
    const yaw = ds.cameraAngles[3 * idx];
    cameraAngles[3 * b] = flip ? -yaw : yaw;
    cameraAngles[3 * b + 1] = ds.cameraAngles[3 * idx + 1];
    cameraAngles[3 * b + 2] = ds.cameraAngles[3 * idx + 2];
    if (labels) labels[b] = ds.labels![idx];
  }
  return { indices, mirrored, cameraAngles, labels };
}

/** Full images of picked samples (see pickSamples), mirrored where flagged. */
export function sampleBatch(ds: EpigrafDataset, batchSize: number, rng: () => number, opts: BatchOptions): Batch {
  const picked = pickSamples(ds, batchSize, rng, opts);
  const r = ds.resolution;
  const images = new Float32Array(batchSize * r * r * 3);
  for (let b = 0; b < batchSize; b++) {
    const flip = picked.mirrored[b] === 1;
    const src = ds.images[picked.indices[b]];
    const base = b * r * r * 3;
    for (let y = 0; y < r; y++) {
      for (let x = 0; x < r; x++) {
        const s = (y * r + (flip ? r - 1 - x : x)) * 4;
        const d = base + (y * r + x) * 3;
        images[d] = src[s] / 127.5 - 1;
        images[d + 1] = src[s + 1] / 127.5 - 1;
        images[d + 2] = src[s + 2] / 127.5 - 1;
      }
    }
  }
  return { images, ...picked };
}
