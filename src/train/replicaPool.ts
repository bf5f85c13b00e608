/**
 * Data-parallel training in Node (tfjs-wasm runs single-threaded there, so one process uses one core): K
 * worker threads each run `scripts/train-replica.ts`, a full replica of the run (its own tfjs-wasm instance,
 * dataset and Trainer) that draws batch / K samples per step. This thread only averages: each phase (D, then
 * G) every replica posts its flattened gradients, and all of them get back the same mean, apply the same Adam
 * update and so stay identical (see `Replication` in trainer.ts). Replica 0 writes the checkpoints.
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { StepStats } from './trainer';

/** Replica → coordinator. */
export type ReplicaMessage =
  | { kind: 'ready'; step: number }
  | { kind: 'reduce'; phase: 'D' | 'G'; flat: Float32Array }
  | { kind: 'stepped'; stats: StepStats }
  | { kind: 'saved' };

/** Coordinator → replica. */
export type CoordinatorMessage = { kind: 'step' } | { kind: 'mean'; flat: Float32Array } | { kind: 'save' } | { kind: 'stop' };

const RUN_TS = fileURLToPath(new URL('../../scripts/run-ts.mjs', import.meta.url));
const REPLICA = fileURLToPath(new URL('../../scripts/train-replica.ts', import.meta.url));

/** The element-wise mean of equal-length vectors, summed in replica order (so every run reduces alike). */
export function meanOf(parts: Float32Array[]): Float32Array {
  const mean = new Float32Array(parts[0].length);
  for (const p of parts) for (let i = 0; i < p.length; i++) mean[i] += p[i];
  for (let i = 0; i < mean.length; i++) mean[i] /= parts.length;
  return mean;
}

export class ReplicaPool {
  private waiting: ((m: ReplicaMessage, from: number) => void) | null = null;
  private failure: Error | null = null;
  private onFail: ((e: Error) => void) | null = null;

  /** The step every replica starts at (0, or the resumed checkpoint's). */
  step = 0;

  private constructor(private readonly workers: Worker[]) {}

  /** Starts `count` replicas of the run described by the train command's `argv`. */
  static async start(count: number, argv: string[]): Promise<ReplicaPool> {
    const workers = Array.from({ length: count }, (_, index) => new Worker(RUN_TS, { argv: [REPLICA, ...argv], workerData: { index, count } }));
    const pool = new ReplicaPool(workers);
    workers.forEach((w, i) => {
      w.on('message', (m: ReplicaMessage) => pool.waiting?.(m, i));
      w.on('error', (e) => pool.fail(new Error(`replica ${i}: ${e.message}`)));
      w.on('exit', (code) => code !== 0 && pool.fail(new Error(`replica ${i} exited with code ${code}`)));
    });
    const ready = await pool.collect((m) => m.kind === 'ready');
    const steps = ready.map((m) => (m as { step: number }).step);
    if (new Set(steps).size !== 1) throw new Error(`replicas start at different steps (${steps.join(', ')})`);
    pool.step = steps[0];
    return pool;
  }

  private fail(e: Error) {
    this.failure ??= e;
    this.onFail?.(e);
  }

  /** Resolves with one message per replica satisfying `want`, handling gradient reduction meanwhile. */
  private collect(want: (m: ReplicaMessage) => boolean): Promise<ReplicaMessage[]> {
    const n = this.workers.length;
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.onFail = reject;
      const got: ReplicaMessage[] = [];
      let pending: Float32Array[] = [];
      let count = 0;
      this.waiting = (m, from) => {
        if (m.kind === 'reduce') {
          pending[from] = m.flat;
          if (++count === n) {
            if (new Set(pending.map((p) => p.length)).size !== 1) return this.fail(new Error(`replicas sent ${m.phase} gradients of different lengths`));
            const mean = meanOf(pending);
            for (const w of this.workers) w.postMessage({ kind: 'mean', flat: mean } satisfies CoordinatorMessage);
            pending = [];
            count = 0;
          }
        } else if (want(m)) {
          got[from] = m;
          if (got.filter(Boolean).length === n) {
            this.waiting = null;
            this.onFail = null;
            resolve(got);
          }
        }
      };
    });
  }

  private send(m: CoordinatorMessage, to = this.workers) {
    for (const w of to) w.postMessage(m);
  }

  /** One training step of the whole batch; the statistics are the replicas' averages. */
  async trainStep(): Promise<StepStats> {
    const done = this.collect((m) => m.kind === 'stepped');
    this.send({ kind: 'step' });
    return ((await done)[0] as { stats: StepStats }).stats;
  }

  /** Replica 0 writes the checkpoint and viewer weights (all replicas hold the same state). */
  async save(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.onFail = reject;
      this.waiting = (m, from) => {
        if (m.kind === 'saved' && from === 0) {
          this.waiting = null;
          this.onFail = null;
          resolve();
        }
      };
    });
    this.send({ kind: 'save' }, [this.workers[0]]);
    await done;
  }

  async stop(): Promise<void> {
    this.onFail = null;
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once('exit', () => resolve());
            w.postMessage({ kind: 'stop' } satisfies CoordinatorMessage);
          }),
      ),
    );
  }
}
