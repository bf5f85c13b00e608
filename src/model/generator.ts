/**
 * A generator: config + parameters, with the three stages the viewer and trainer call separately
 * (mapping → tri-plane synthesis → rendering).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from './config';
import type { Params } from './layers';
import { classMeanW, mapping, oneHot, type MappingOptions } from './mapping';
import { initParamArrays, type InitOptions, type ParamArrays } from './params';
import { zFromSeed } from './prng';
import { synthesizePlanes, type SynthesisOptions } from './synthesis';
import { disposeParams, paramsFromArrays } from './tensors';

export class Generator {
  private disposed = false;
  /** Per-class mean w (conditional models), computed on first use. */
  private classMeans = new Map<number, tf.Tensor1D>();

  constructor(
    readonly config: ModelConfig,
    readonly params: Params,
  ) {}

  static fromArrays(cfg: ModelConfig, arrays: ParamArrays): Generator {
    return new Generator(cfg, paramsFromArrays(cfg, arrays));
  }

  /** The official initialisation (an untrained generator), deterministic from a seed. */
  static random(cfg: ModelConfig, seed = 0, opts: InitOptions = {}): Generator {
    return Generator.fromArrays(cfg, initParamArrays(cfg, seed, opts));
  }

  /** z for each seed, [N, zDim]. */
  latents(seeds: number[]): tf.Tensor2D {
    const z = new Float32Array(seeds.length * this.config.zDim);
    seeds.forEach((s, i) => z.set(zFromSeed(s, this.config.zDim), i * this.config.zDim));
    return tf.tensor2d(z, [seeds.length, this.config.zDim]);
  }

  /**
   * ws for z (+ labels of a conditional model). With truncation (ψ ≠ 1) a conditional model truncates each row
   * towards its class's mean w (the official inference's per-class w̄), an unconditional one towards w_avg.
   */
  mapping(z: tf.Tensor2D, labels: number[] | null = null, opts: MappingOptions = {}): tf.Tensor3D {
    this.check();
    const conditional = !!labels && this.config.cDim > 0;
    const perClass = conditional && (opts.psi ?? 1) !== 1 && !opts.wAvg;
    const means = perClass ? labels!.map((l) => this.classMean(l)) : [];
    return tf.tidy(() =>
      mapping(this.config, this.params, z, conditional ? oneHot(this.config, labels!) : null, perClass ? { ...opts, wAvg: tf.stack(means) } : opts),
    );
  }

  /** The mean w of one class (cached): mean of the mapping over 256 fixed z samples with that label. */
  classMean(label: number): tf.Tensor1D {
    this.check();
    let m = this.classMeans.get(label);
    if (!m) {
      // kept: callers (the viewer's engine) map inside their own tf.tidy, which must not dispose the cache
      m = tf.keep(classMeanW(this.config, this.params, label));
      this.classMeans.set(label, m);
    }
    return m;
  }

  synthesize(ws: tf.Tensor3D, opts: SynthesisOptions = {}): tf.Tensor4D {
    this.check();
    return synthesizePlanes(this.config, this.params, ws, opts);
  }

  dispose(): void {
    if (!this.disposed) {
      disposeParams(this.params);
      tf.dispose([...this.classMeans.values()]);
      this.classMeans.clear();
    }
    this.disposed = true;
  }

  private check(): void {
    if (this.disposed) throw new Error('this generator has been disposed');
  }
}
