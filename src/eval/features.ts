/**
 * The feature network of the FID-style score: a pretrained ImageNet-initialised classifier that ships inside
 * the `nsfwjs` package as JS modules (a Keras layers model, its JSON and base64 weight shards), so it loads
 * with no network access. Its class head (NSFW categories) is dropped: the features are the global-average-
 * pooled activations of the last convolutional block — MobileNetV2's `out_relu` (7×7×1280 → 1280) or
 * InceptionV3's `mixed10` (8×8×2048 → 2048) — the analogue of the pool3 features of the standard Inception FID.
 *
 * These are NOT the standard FID weights (TF-slim Inception of Heusel et al.): scores are comparable only with
 * other scores from the same feature network, never with published FID numbers.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel, model as functionalModel, type LayersModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';

export type FeatureNetName = 'mobilenet_v2' | 'inception_v3';

export interface FeatureNetSpec {
  /** Folder under nsfwjs/dist/models. */
  dir: string;
  shards: number;
  /** Input side the network was trained at. */
  size: number;
  /** Layer whose activations are pooled. */
  layer: string;
  /** Pooled feature width. */
  width: number;
  /** Human-readable name printed with every score. */
  label: string;
}

export const FEATURE_NETS: Record<FeatureNetName, FeatureNetSpec> = {
  mobilenet_v2: { dir: 'mobilenet_v2', shards: 1, size: 224, layer: 'out_relu', width: 1280, label: 'nsfwjs MobileNetV2 out_relu GAP (1280)' },
  inception_v3: { dir: 'inception_v3', shards: 6, size: 299, layer: 'mixed10', width: 2048, label: 'nsfwjs InceptionV3 mixed10 GAP (2048)' },
};

/** The bundled model as nsfwjs ships it: Keras model JSON (with weightsManifest) and one base64 string per shard. */
export interface BundledModel {
  modelJson: { modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  shardsBase64: Record<string, string>;
}

function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export class FeatureNet {
  private constructor(
    readonly name: FeatureNetName,
    readonly spec: FeatureNetSpec,
    private readonly trunk: LayersModel,
    private readonly full: LayersModel,
  ) {}

  /** Builds the network from the bundled model JSON and weight shards (no I/O). */
  static async fromBundle(name: FeatureNetName, bundle: BundledModel): Promise<FeatureNet> {
    const spec = FEATURE_NETS[name];
    const weightSpecs: tf.io.WeightsManifestEntry[] = [];
    const parts: Uint8Array[] = [];
    for (const group of bundle.modelJson.weightsManifest) {
      for (const p of group.paths) {
        const b64 = bundle.shardsBase64[p];
        if (!b64) throw new Error(`${name}: weight shard ${p} missing from the bundle`);
        parts.push(base64ToBytes(b64));
      }
      weightSpecs.push(...group.weights);
    }
    const data = new Uint8Array(parts.reduce((a, b) => a + b.length, 0));
    let o = 0;
    for (const p of parts) {
      data.set(p, o);
      o += p.length;
    }
    const full = await loadLayersModel(tf.io.fromMemory({ modelTopology: bundle.modelJson.modelTopology, weightSpecs, weightData: data.buffer }));
    const out = full.getLayer(spec.layer).output as SymbolicTensor;
    const trunk = functionalModel({ inputs: full.inputs, outputs: out });
    return new FeatureNet(name, spec, trunk, full);
  }

  /**
   * Pooled features of a batch of images [B, H, W, 3] with values in [0, 1] (nsfwjs's input scaling: pixel / 255),
   * resized bilinearly (align corners, as nsfwjs) to the network's input side. Returns [B, width].
   */
  features(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const s = this.spec.size;
      const x = images.shape[1] === s && images.shape[2] === s ? images : tf.image.resizeBilinear(images, [s, s], true);
      const act = this.trunk.predict(x) as tf.Tensor4D;
      return tf.mean(act, [1, 2]) as tf.Tensor2D;
    });
  }

  /** Features of many images, `batch` at a time, as one float32 array [N·width]. `images(start, count)` supplies [count, H, W, 3] in [0, 1]. */
  async featuresOf(n: number, images: (start: number, count: number) => tf.Tensor4D, batch = 32, onProgress?: (done: number) => void): Promise<Float32Array> {
    const out = new Float32Array(n * this.spec.width);
    for (let s = 0; s < n; s += batch) {
      const c = Math.min(batch, n - s);
      const x = images(s, c);
      const f = this.features(x);
      out.set(await f.data(), s * this.spec.width);
      tf.dispose([x, f]);
      onProgress?.(s + c);
    }
    return out;
  }

  dispose(): void {
    this.full.dispose();
  }
}

/** uint8 RGBA images (as EpiGRAF datasets hold them) → [B, R, R, 3] in [0, 1]. */
export function rgbaToUnit(images: readonly Uint8Array[], res: number): tf.Tensor4D {
  const out = new Float32Array(images.length * res * res * 3);
  images.forEach((img, b) => {
    for (let p = 0; p < res * res; p++) for (let c = 0; c < 3; c++) out[(b * res * res + p) * 3 + c] = img[p * 4 + c] / 255;
  });
  return tf.tensor4d(out, [images.length, res, res, 3]);
}

/**
 * Raw renderer output [B, R, R, 3] (≈ [−1, 1]) → [0, 1], quantised to 8 bits like a saved image, so fake images
 * go through the same uint8 step as the real ones (dataset pixel p ↔ raw p / 127.5 − 1).
 */
export function rawToUnit(rgb: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.div(tf.round(tf.add(tf.mul(tf.clipByValue(rgb, -1, 1), 127.5), 127.5)), 255) as tf.Tensor4D);
}
