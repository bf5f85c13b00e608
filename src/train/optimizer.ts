/**
 * Parameter updates of the training step: Adam and the EMA of G.
 *
 * tf.train.adam runs ~14 kernels per variable, and the EMA 3 more: ~2,500 kernel launches per step for the tiny
 * preset's 94 + 49 variables, whose tfjs bookkeeping costs more than their arithmetic. On backends whose tensors
 * live in CPU memory (cpu, wasm) `FlatAdam` and `lerpVariables` do the same arithmetic as one typed-array loop per
 * variable. On GPU backends reading the values back each step would cost more than it saves, so there the tfjs
 * ops stay. Both Adams keep their state in tf.AdamOptimizer's getWeights layout ([iterations, m…, v…] by the
 * position of the variable), so checkpoints written by either resume in the other.
 */
import * as tf from '@tensorflow/tfjs-core';

/** A tensor with its name, as tf.Optimizer's getWeights returns them. */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

export interface ParamOptimizer {
  /** One update: grads[i] is the gradient of vars[i], in the same order on every call. Disposes tensor grads. */
  update(vars: tf.Variable[], grads: (tf.Tensor | Float32Array)[]): Promise<void>;
  getWeights(): Promise<NamedTensor[]>;
  setWeights(weights: NamedTensor[]): Promise<void>;
  dispose(): void;
}

interface AdamSettings {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/** Whether parameters live in CPU memory, where reading them back is a copy rather than a GPU readback. */
export function cpuResident(): boolean {
  return tf.getBackend() === 'wasm' || tf.getBackend() === 'cpu';
}

export function makeAdam(s: AdamSettings): ParamOptimizer {
  return cpuResident() ? new FlatAdam(s) : new TfAdam(s);
}

/** tf.train.adam behind the ParamOptimizer interface. */
export class TfAdam implements ParamOptimizer {
  private readonly opt: tf.AdamOptimizer;
  constructor(s: AdamSettings) {
    this.opt = tf.train.adam(s.lr, s.beta1, s.beta2, s.eps);
  }
  async update(vars: tf.Variable[], grads: (tf.Tensor | Float32Array)[]): Promise<void> {
    const named = vars.map((v, i) => {
      const g = grads[i];
      return { name: v.name, tensor: g instanceof Float32Array ? tf.tensor(g, v.shape) : g };
    });
    this.opt.applyGradients(named);
    tf.dispose(named.map((n) => n.tensor));
  }
  getWeights(): Promise<NamedTensor[]> {
    return this.opt.getWeights();
  }
  setWeights(weights: NamedTensor[]): Promise<void> {
    return this.opt.setWeights(weights);
  }
  dispose(): void {
    this.opt.dispose();
  }
}

/**
 * Adam as typed-array loops (float64 arithmetic, stored as float32): the same update as tf.train.adam, equal
 * to it within float32 rounding. The state lives in JavaScript arrays, not in tensors.
 */
export class FlatAdam implements ParamOptimizer {
  private iterations = 0;
  private m: Float32Array[] = [];
  private v: Float32Array[] = [];
  private shapes: number[][] = [];

  constructor(private readonly s: AdamSettings) {}

  async update(vars: tf.Variable[], grads: (tf.Tensor | Float32Array)[]): Promise<void> {
    const { lr, beta1, beta2, eps } = this.s;
    const c1 = 1 - beta1 ** (this.iterations + 1);
    const c2 = 1 - beta2 ** (this.iterations + 1);
    const data = await Promise.all(grads.map((g) => (g instanceof Float32Array ? g : (g.data() as Promise<Float32Array>))));
    tf.dispose(grads.filter((g): g is tf.Tensor => !(g instanceof Float32Array)));
    vars.forEach((variable, i) => {
      const g = data[i];
      if (g.length !== variable.size) throw new Error(`Adam: gradient ${i} has ${g.length} values, variable has ${variable.size}`);
      this.shapes[i] ??= variable.shape;
      const m = (this.m[i] ??= new Float32Array(variable.size));
      const v = (this.v[i] ??= new Float32Array(variable.size));
      const x = variable.dataSync() as Float32Array;
      const out = new Float32Array(x.length);
      for (let j = 0; j < x.length; j++) {
        const gj = g[j];
        const mj = (m[j] = beta1 * m[j] + (1 - beta1) * gj);
        const vj = (v[j] = beta2 * v[j] + (1 - beta2) * gj * gj);
        out[j] = x[j] - (lr * (mj / c1)) / (Math.sqrt(vj / c2) + eps);
      }
      assignValues(variable, out);
    });
    this.iterations++;
  }

  async getWeights(): Promise<NamedTensor[]> {
    const named = (kind: string, arrs: Float32Array[]) => arrs.map((a, i) => ({ name: `${i}/${kind}`, tensor: tf.tensor(a, this.shapes[i]) }));
    return [{ name: 'iter', tensor: tf.scalar(this.iterations, 'int32') }, ...named('m', this.m), ...named('v', this.v)];
  }

  /** Reads [iterations, m…, v…] (tf.AdamOptimizer's layout); the caller keeps ownership of the tensors. */
  async setWeights(weights: NamedTensor[]): Promise<void> {
    if (weights.length % 2 !== 1) throw new Error(`Adam state: expected [iterations, m…, v…], got ${weights.length} tensors`);
    const values = await Promise.all(weights.map((w) => w.tensor.data()));
    const k = (weights.length - 1) / 2;
    this.iterations = values[0][0];
    this.shapes = weights.slice(1, 1 + k).map((w) => w.tensor.shape);
    this.m = values.slice(1, 1 + k).map((a) => Float32Array.from(a));
    this.v = values.slice(1 + k).map((a) => Float32Array.from(a));
  }

  dispose(): void {
    this.m = [];
    this.v = [];
  }
}

/** target ← source + (target − source)·β for each pair (the EMA of G), as loops where parameters are CPU-resident. */
export function lerpVariables(targets: tf.Variable[], sources: tf.Variable[], beta: number): void {
  if (!cpuResident()) {
    tf.tidy(() => targets.forEach((t, i) => t.assign(tf.add(sources[i], tf.mul(tf.sub(t, sources[i]), beta)))));
    return;
  }
  targets.forEach((t, i) => {
    const a = t.dataSync() as Float32Array;
    const b = sources[i].dataSync() as Float32Array;
    const out = new Float32Array(a.length);
    for (let j = 0; j < a.length; j++) out[j] = b[j] + (a[j] - b[j]) * beta;
    assignValues(t, out);
  });
}

function assignValues(variable: tf.Variable, values: Float32Array): void {
  const next = tf.tensor(values, variable.shape, 'float32');
  variable.assign(next);
  next.dispose();
}
