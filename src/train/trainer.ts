/**
 * One EpiGRAF training step, as the official loop does it: D on real patches (cut from dataset images,
 * mirrored with yaw negated) against fake patches (rendered by the reference renderer through patch rays, at
 * the dataset's camera poses), non-saturating logistic losses, lazy R1 every `r1Interval` steps, Adam with
 * β1 = 0, β2 = 0.99 (lazy-regularisation-corrected for D), σ noise decaying to 0, and an EMA of G.
 */
import * as tf from '@tensorflow/tfjs-core';
import { numWs, type ModelConfig } from '../model/config';
import type { Params } from '../model/layers';
import { mappingW } from '../model/mapping';
import { synthesizePlanes } from '../model/synthesis';
import { initParamArrays } from '../model/params';
import { disposeParams, paramsFromArrays, randnTensor } from '../model/tensors';
import { pickSamples } from '../data/batches';
import { MT19937 } from '../model/prng';
import { cameraFromAngles, type Patch } from '../render/camera';
import type { EpigrafDataset } from '../data/importDataset';
import { discriminate, initDParams, type DConfig } from './discriminator';
import { dLoss, gLoss, r1Penalty } from './losses';
import { extractPatch, samplePatches, type PatchFilter, type PatchSchedule } from './patches';
import { renderPatches } from './antialias';
import { lerpVariables, makeAdam, type ParamOptimizer } from './optimizer';

export interface TrainOptions {
  batch: number;
  patch: number;
  gamma: number;
  r1Interval: number;
  lrG: number;
  lrD: number;
  /** Images over which β of the patch-scale distribution anneals (official 10,000 kimg). */
  annealImages: number;
  /** σ-noise std starts at 1 and decays to 0 over this many images (official 5,000 kimg). */
  densityNoiseImages: number;
  /** EMA half-life in images (official: batch · 0.3125 kimg) and its ramp-up. */
  emaImages: number;
  emaRampup: number;
  mirror: boolean;
  /** Camera-condition dropout in D (official suggestion 0.5). */
  cameraDropout: number;
  /** Samples per ray while training (official: half the inference counts). */
  coarse: number;
  fine: number;
  bgSteps: number;
  /**
   * Patch resampling: `point` (official; absent = point) cuts real patches by point sampling and renders one
   * ray per fake pixel; `area` box-filters real patches over each pixel's footprint and averages k × k
   * sub-rays per fake pixel (src/train/antialias.ts).
   */
  patchFilter?: PatchFilter;
  /** With `area`: the cap on sub-rays per side of a fake pixel (default 4; k² times the rays, and the memory). */
  maxSubrays?: number;
  /** A fixed set of patch scales drawn uniformly instead of the annealed Beta (Figure 9: [1, 0.25]). */
  patchScales?: number[];
}

/**
 * Data-parallel training: `count` replicas, each with the same parameters, draw `batch / count` samples of
 * their own per step, and `reduce` averages each phase's flattened gradients (and trailing statistics)
 * over the replicas, so every replica applies the same update and stays identical. Each replica's share is
 * whole minibatch-std groups, and its gradient is that of the batch-mean loss over its share: their mean is
 * the gradient of a batch-`batch` step whose groups are the replicas' shares, as in the official multi-GPU
 * runs, where each GPU computes minibatch std over its own samples.
 */
export interface Replication {
  index: number;
  count: number;
  reduce: (phase: 'D' | 'G', flat: Float32Array) => Promise<Float32Array>;
}

export interface StepStats {
  step: number;
  imagesSeen: number;
  dLoss: number;
  gLoss: number;
  r1: number | null;
  realScore: number;
  fakeScore: number;
}

export class Trainer {
  readonly G: Record<string, tf.Variable>;
  readonly Gema: Record<string, tf.Variable>;
  readonly D: Record<string, tf.Variable>;
  private readonly optG: ParamOptimizer;
  private readonly optD: ParamOptimizer;
  private rng: MT19937;
  step = 0;
  imagesSeen = 0;

  constructor(
    readonly cfg: ModelConfig,
    readonly dcfg: DConfig,
    readonly t: TrainOptions,
    readonly data: EpigrafDataset,
    readonly seed = 0,
    readonly replication?: Replication,
  ) {
    if (data.resolution !== dcfg.resolution) throw new Error(`dataset resolution ${data.resolution} ≠ discriminator resolution ${dcfg.resolution}`);
    const replicas = replication?.count ?? 1;
    if (t.batch % (dcfg.mbstdGroup * replicas) !== 0)
      throw new Error(`batch ${t.batch} must be a multiple of the minibatch-std group ${dcfg.mbstdGroup}${replicas > 1 ? ` times the ${replicas} replicas` : ''}`);
    const init = paramsFromArrays(cfg, initParamArrays(cfg, seed));
    // Buffers (fixed noise, w_avg) are not trained.
    this.G = Object.fromEntries(Object.entries(init).map(([k, v]) => [k, tf.variable(v, !k.endsWith('noise_const') && !k.endsWith('w_avg'))]));
    disposeParams(init);
    this.Gema = Object.fromEntries(Object.entries(this.G).map(([k, v]) => [k, tf.variable(tf.clone(v), false)]));
    this.D = initDParams(dcfg, seed + 1);
    const c = t.r1Interval / (t.r1Interval + 1); // lazy regularisation: lr·c, β2^c
    this.optG = makeAdam({ lr: t.lrG, beta1: 0, beta2: 0.99, eps: 1e-8 });
    this.optD = makeAdam({ lr: t.lrD * c, beta1: 0, beta2: 0.99 ** c, eps: 1e-8 });
    this.rng = new MT19937(seed + 2);
  }

  private rand = () => this.rng.random();

  get optimizers(): { G: ParamOptimizer; D: ParamOptimizer } {
    return { G: this.optG, D: this.optD };
  }

  private schedule(): PatchSchedule {
    return { patch: this.t.patch, resolution: this.data.resolution, annealImages: this.t.annealImages, groupSize: this.dcfg.mbstdGroup, scales: this.t.patchScales };
  }

  /** Real patches with their patch parameters and (mirrored) camera angles. */
  realBatch(patches: Patch[]): { images: tf.Tensor4D; angles: tf.Tensor2D } {
    const n = patches.length;
    const r = this.t.patch;
    const picked = pickSamples(this.data, n, this.rand, { mirror: this.t.mirror });
    const imgs = new Float32Array(n * r * r * 3);
    for (let i = 0; i < n; i++)
      imgs.set(extractPatch(this.data.images[picked.indices[i]], this.data.resolution, patches[i], r, picked.mirrored[i] === 1, this.t.patchFilter), i * r * r * 3);
    return { images: tf.tensor4d(imgs, [n, r, r, 3]), angles: yawPitch(picked.cameraAngles) };
  }

  /** Fake patches rendered from G at poses drawn from the dataset. */
  private fakeBatch(G: Params, patches: Patch[], noiseStd: number): { images: tf.Tensor4D; angles: tf.Tensor2D } {
    const n = patches.length;
    const z = randnTensor([n, this.cfg.zDim], this.rng.nextUint32());
    const w = mappingW(this.cfg, G, z as tf.Tensor2D, null);
    const ws = tf.tile(tf.expandDims(w, 1), [1, numWs(this.cfg), 1]) as tf.Tensor3D;
    const planes = synthesizePlanes(this.cfg, G, ws, { noiseMode: 'random', noiseSeed: this.rng.nextUint32() });
    const poses = pickSamples(this.data, n, this.rand, { mirror: false }).cameraAngles;
    const cams = patches.map((_, i) => cameraFromAngles(poses[3 * i], poses[3 * i + 1], this.cfg.camera.radius, this.cfg.camera.fovDeg));
    const rgb = renderPatches(this.cfg, G, planes, ws, cams, patches, {
      resolution: this.t.patch,
      filter: this.t.patchFilter,
      datasetResolution: this.data.resolution,
      maxSubrays: this.t.maxSubrays,
      coarse: this.t.coarse,
      fine: this.t.fine,
      bgSteps: this.t.bgSteps,
      seed: this.rng.nextUint32(),
      densityNoiseStd: noiseStd,
      chunkRays: 1 << 16,
    });
    return { images: rgb, angles: yawPitch(poses) };
  }

  /** One D step then one G step. */
  async trainStep(): Promise<StepStats> {
    const t = this.t;
    const rep = this.replication;
    const n = t.batch / (rep?.count ?? 1);
    // The step's random stream depends only on (seed, step, replica): a resumed run continues exactly.
    const stream = (Math.imul(this.seed + 1, 2654435761) ^ Math.imul(this.step + 1, 40503)) >>> 0;
    this.rng = new MT19937(rep?.index ? (stream ^ Math.imul(rep.index, 374761393)) >>> 0 : stream);
    const noiseStd = Math.max(0, 1 - this.imagesSeen / Math.max(1, t.densityNoiseImages));
    const patchP = samplePatches(this.schedule(), n, this.imagesSeen, this.rand);
    const patchT = tf.tensor2d(patchP.flatMap((p) => [p.scale, p.offsetX, p.offsetY]), [n, 3]);
    const doR1 = this.step % t.r1Interval === 0 && t.gamma > 0;
    const kept: { real?: tf.Tensor; fake?: tf.Tensor; r1?: tf.Tensor } = {};

    // D step: G's output is a constant here.
    const dGrads = tf.tidy(() => {
      const frozen = tf.tidy(() => this.fakeBatch(this.G, patchP, noiseStd));
      const real = this.realBatch(patchP);
      return tf.variableGrads(() => {
        const fr = discriminate(this.dcfg, this.D, { images: frozen.images, patch: patchT, angles: frozen.angles, cameraDropout: t.cameraDropout, dropoutSeed: this.rng.nextUint32() });
        const rr = discriminate(this.dcfg, this.D, { images: real.images, patch: patchT, angles: real.angles, cameraDropout: t.cameraDropout, dropoutSeed: this.rng.nextUint32() });
        kept.real = tf.keep(tf.mean(rr));
        kept.fake = tf.keep(tf.mean(fr));
        let loss = dLoss(rr, fr);
        if (doR1) {
          const r1 = r1Penalty(this.dcfg, this.D, { images: real.images, patch: patchT, angles: real.angles }, t.gamma);
          kept.r1 = tf.keep(r1);
          loss = tf.add(loss, tf.mul(r1, t.r1Interval)) as tf.Scalar;
        }
        return loss;
      }, Object.values(this.D));
    });
    const [dLossV, realScore, fakeScore, r1Value] = await this.apply('D', this.optD, this.D, dGrads, [kept.real!, kept.fake!, ...(kept.r1 ? [kept.r1] : [])]);

    // G step.
    const gTrainable = Object.fromEntries(Object.entries(this.G).filter(([, v]) => v.trainable));
    const gGrads = tf.tidy(() =>
      tf.variableGrads(() => {
        const fake = this.fakeBatch(this.G, patchP, noiseStd);
        return gLoss(discriminate(this.dcfg, this.D, { images: fake.images, patch: patchT, angles: fake.angles }));
      }, Object.values(gTrainable)),
    );
    const [gLossV] = await this.apply('G', this.optG, gTrainable, gGrads, []);
    patchT.dispose();

    this.step++;
    this.imagesSeen += t.batch;
    this.updateEma();
    return { step: this.step, imagesSeen: this.imagesSeen, dLoss: dLossV, gLoss: gLossV, r1: doR1 ? r1Value : null, realScore, fakeScore };
  }

  /**
   * Applies a phase's gradients (averaged over the replicas, if any) and returns [loss, ...stats], also
   * averaged; disposes the gradients and the stat tensors.
   */
  private async apply(phase: 'D' | 'G', opt: ParamOptimizer, vars: Record<string, tf.Variable>, g: { value: tf.Scalar; grads: tf.NamedTensorMap }, stats: tf.Tensor[]): Promise<number[]> {
    const rep = this.replication;
    const order = Object.values(vars);
    const scalars = [g.value, ...stats];
    const grads = order.map((v) => g.grads[v.name]);
    let values: number[];
    if (!rep || rep.count === 1) {
      await opt.update(order, grads);
      values = await Promise.all(scalars.map(async (x) => (await x.data())[0]));
    } else {
      const parts = await Promise.all([...grads, ...scalars].map((x) => x.data() as Promise<Float32Array>));
      tf.dispose(grads);
      const flat = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
      parts.reduce((o, p) => (flat.set(p, o), o + p.length), 0);
      const mean = await rep.reduce(phase, flat);
      let o = 0;
      await opt.update(order, order.map((v) => mean.subarray(o, (o += v.size))));
      values = Array.from(mean.subarray(o));
    }
    tf.dispose(scalars);
    return values;
  }

  /** Frees the variables and optimiser state. */
  dispose(): void {
    this.optG.dispose();
    this.optD.dispose();
    for (const v of [...Object.values(this.G), ...Object.values(this.Gema), ...Object.values(this.D)]) v.dispose();
  }

  /** G_ema ← lerp(G, G_ema, β) with β = 0.5^(batch / ema_nimg), ema_nimg ramped up with the images seen. */
  private updateEma(): void {
    const emaNimg = Math.min(this.t.emaImages, this.imagesSeen * this.t.emaRampup);
    const beta = 0.5 ** (this.t.batch / Math.max(emaNimg, 1e-8));
    const keys = Object.keys(this.G);
    lerpVariables(keys.map((k) => this.Gema[k]), keys.map((k) => this.G[k]), beta);
  }
}

/** (yaw, pitch) columns of [yaw, pitch, roll] rows, as D's camera input. */
function yawPitch(angles: Float32Array): tf.Tensor2D {
  const n = angles.length / 3;
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) out.set([angles[3 * i], angles[3 * i + 1]], 2 * i);
  return tf.tensor2d(out, [n, 2]);
}
