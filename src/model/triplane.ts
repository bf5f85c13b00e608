/**
 * Tri-plane lookup and the decoder MLP.
 *
 * Official conventions: world points are divided by cube_scale; plane 0 is indexed by (x, y), plane 1 by
 * (x, z), plane 2 by (y, z), the first coordinate along the plane's width; bilinear sampling with
 * align_corners = True (−1 and +1 are the centres of the edge texels) and zeros outside; the three
 * features are averaged.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DECODER_OUT, type ModelConfig } from './config';
import { fullyConnected, type Params } from './layers';
import { MLP } from './params';
import { PLANE_AXES } from './kernels/triplaneMath';
import { fusedSampleTriplane, fusedTriplaneAvailable } from './kernels/sampleTriplaneOp';

export type TriplaneSampler = 'fused' | 'gather';
let sampler: TriplaneSampler = 'fused';

/** Chooses the lookup implementation (the benchmark compares both; 'gather' is the composite-op oracle). */
export function setTriplaneSampler(s: TriplaneSampler): void {
  sampler = s;
}

/**
 * planes: [N, R, R, 3·C] (NHWC), points: [N, P, 3] in world units → features [N, P, C] (mean over planes).
 * Differentiable with respect to planes and points. The fused kernel where the backend has one, else the
 * composite of gathers.
 */
export function sampleTriplane(cfg: ModelConfig, planes: tf.Tensor4D, points: tf.Tensor3D): tf.Tensor3D {
  if (sampler === 'fused' && fusedTriplaneAvailable()) return fusedSampleTriplane(planes, points, 1 / cfg.camera.cubeScale);
  return sampleTriplaneGather(cfg, planes, points);
}

/** The same lookup from tfjs composite ops (12 gathers); slow, but differentiable on every backend. */
export function sampleTriplaneGather(cfg: ModelConfig, planes: tf.Tensor4D, points: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const [n, r, , c3] = planes.shape;
    const c = c3 / 3;
    const p = points.shape[1];
    // [3·N·R·R, C] with row ((plane·N + n)·R + y)·R + x
    const table = tf.reshape(tf.transpose(tf.reshape(planes, [n, r, r, 3, c]), [3, 0, 1, 2, 4]), [3 * n * r * r, c]);
    const coords = tf.div(points, cfg.camera.cubeScale);
    const axis = (k: number) => tf.reshape(tf.slice(coords, [0, 0, k], [n, p, 1]), [n, p]);
    const xyz = [axis(0), axis(1), axis(2)];
    const batchBase = tf.reshape(tf.mul(tf.range(0, n, 1, 'float32'), r * r), [n, 1]);
    let acc: tf.Tensor | null = null;
    PLANE_AXES.forEach(([a, b], plane) => {
      const px = tf.mul(tf.add(xyz[a], 1), (r - 1) / 2);
      const py = tf.mul(tf.add(xyz[b], 1), (r - 1) / 2);
      const x0 = tf.floor(px);
      const y0 = tf.floor(py);
      const fx = tf.sub(px, x0);
      const fy = tf.sub(py, y0);
      const base = tf.add(batchBase, plane * n * r * r);
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ]) {
        const xi = tf.add(x0, dx);
        const yi = tf.add(y0, dy);
        const inside = tf.logicalAnd(
          tf.logicalAnd(tf.greaterEqual(xi, 0), tf.lessEqual(xi, r - 1)),
          tf.logicalAnd(tf.greaterEqual(yi, 0), tf.lessEqual(yi, r - 1)),
        );
        const wx = dx ? fx : tf.sub(1, fx);
        const wy = dy ? fy : tf.sub(1, fy);
        const wgt = tf.where(inside, tf.mul(wx, wy), tf.zerosLike(fx)); // [N, P]
        const local = tf.add(tf.mul(tf.clipByValue(yi, 0, r - 1), r), tf.clipByValue(xi, 0, r - 1));
        const idx = tf.cast(tf.add(base, local), 'int32'); // [N, P] (exact: < 2^24)
        const feat = tf.reshape(tf.gather(table, tf.reshape(idx, [n * p])), [n, p, c]);
        const term = tf.mul(feat, tf.expandDims(wgt, 2));
        acc = acc ? tf.add(acc, term) : term;
      }
    });
    return tf.div(acc!, 3) as tf.Tensor3D;
  });
}

/** Decoder MLP: features [N, P, C] → raw [N, P, 4] = (RGB in ≈[−1, 1], σ before softplus). */
export function decodeFeatures(cfg: ModelConfig, params: Params, feats: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const [n, p, c] = feats.shape;
    let x = tf.reshape(feats, [n * p, c]) as tf.Tensor2D;
    const layers = cfg.decoder.hidden.length + 1;
    for (let i = 0; i < layers; i++) x = fullyConnected(params, `${MLP}.${i}`, x, i + 1 < layers ? 'lrelu' : 'linear');
    return tf.reshape(x, [n, p, DECODER_OUT]) as tf.Tensor3D;
  });
}

/** Tri-plane lookup + decoder: world points [N, P, 3] → raw RGB σ [N, P, 4]. */
export function queryTriplane(cfg: ModelConfig, params: Params, planes: tf.Tensor4D, points: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => decodeFeatures(cfg, params, sampleTriplane(cfg, planes, points)));
}
