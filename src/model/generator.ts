/**
 * A generator: config + parameters, with the three stages the viewer and trainer call separately
 * (mapping → tri-plane synthesis → rendering).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from './config';
import type { Params } from './layers';
import { mapping, oneHot, type MappingOptions } from './mapping';
import { initParamArrays, type InitOptions, type ParamArrays } from './params';
import { zFromSeed } from './prng';
import { synthesizePlanes, type SynthesisOptions } from './synthesis';
import { disposeParams, paramsFromArrays } from './tensors';

export class Generator {
  private disposed = false;

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

  mapping(z: tf.Tensor2D, labels: number[] | null = null, opts: MappingOptions = {}): tf.Tensor3D {
    this.check();
    return tf.tidy(() => mapping(this.config, this.params, z, labels && this.config.cDim > 0 ? oneHot(this.config, labels) : null, opts));
  }

  synthesize(ws: tf.Tensor3D, opts: SynthesisOptions = {}): tf.Tensor4D {
    this.check();
    return synthesizePlanes(this.config, this.params, ws, opts);
  }

  dispose(): void {
    if (!this.disposed) disposeParams(this.params);
    this.disposed = true;
  }

  private check(): void {
    if (this.disposed) throw new Error('this generator has been disposed');
  }
}
