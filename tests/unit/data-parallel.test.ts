/**
 * Data-parallel training: replicas that average their gradients stay identical and train batch-B; the mean of
 * half-batch gradients is the whole batch's when halves are whole minibatch-std groups; and the CLI's worker
 * threads (`--workers 2`) write a checkpoint a single process resumes, and SIGINT stops a run with a checkpoint.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../helpers/backend';
import { toyDataset } from '../../src/data/inMemory';
import { Trainer, type Replication } from '../../src/train/trainer';
import { meanOf } from '../../src/train/replicaPool';
import { discriminate, initDParams } from '../../src/train/discriminator';
import { dLoss } from '../../src/train/losses';
import { MT19937 } from '../../src/model/prng';
import { MINI_CFG, MINI_DCFG, MINI_OPTS } from '../helpers/miniature';

beforeAll(async () => {
  await useBackend('wasm');
});

/** K in-thread replicas whose reduce waits for all K, then hands each the mean (what ReplicaPool does across threads). */
function inThreadReplicas(count: number): Replication[] {
  let parts: Float32Array[] = [];
  let waiters: ((m: Float32Array) => void)[] = [];
  return Array.from({ length: count }, (_, index) => ({
    index,
    count,
    reduce: (_phase, flat) =>
      new Promise<Float32Array>((resolve) => {
        parts[index] = flat;
        waiters[index] = resolve;
        if (parts.filter(Boolean).length === count) {
          const mean = meanOf(parts);
          const ws = waiters;
          parts = [];
          waiters = [];
          ws.forEach((w) => w(mean));
        }
      }),
  }));
}

const values = (vars: Record<string, tf.Variable>) => Object.values(vars).flatMap((v) => Array.from(v.dataSync()));

describe('data-parallel training', () => {
  it('replicas draw different samples, apply the same mean update and stay bit-identical', async () => {
    const opts = { ...MINI_OPTS, batch: 8 };
    const reps = inThreadReplicas(2);
    const [a, b] = reps.map((r) => new Trainer(MINI_CFG, MINI_DCFG, opts, toyDataset({ resolution: 16 }), 4, r));
    const solo = new Trainer(MINI_CFG, MINI_DCFG, opts, toyDataset({ resolution: 16 }), 4);
    const g0 = values(a.G);
    for (let i = 0; i < 3; i++) {
      const [sa, sb] = await Promise.all([a.trainStep(), b.trainStep()]);
      expect(sa).toEqual(sb); // statistics are averaged too
      expect(sa.imagesSeen).toBe(8 * (i + 1)); // the whole batch counts, not a replica's share
    }
    for (const k of ['G', 'Gema', 'D'] as const) expect(values(b[k])).toEqual(values(a[k]));
    expect(values(a.G)).not.toEqual(g0);
    // Replica 1 draws its own samples: the replicas' updates differ from replica 0 alone with batch 4.
    const alone = new Trainer(MINI_CFG, MINI_DCFG, { ...opts, batch: 4 }, toyDataset({ resolution: 16 }), 4);
    await alone.trainStep();
    const after1 = new Trainer(MINI_CFG, MINI_DCFG, opts, toyDataset({ resolution: 16 }), 4, inThreadReplicas(1)[0]);
    await solo.trainStep();
    await after1.trainStep();
    expect(values(after1.D)).toEqual(values(solo.D)); // one replica = the plain trainer, exactly
    expect(values(alone.D)).not.toEqual(values(solo.D));
    for (const t of [a, b, solo, alone, after1]) t.dispose();
  });

  it('the mean of two replicas’ D gradients is the whole batch’s when each replica holds whole minibatch-std groups', () => {
    const D = initDParams(MINI_DCFG, 9);
    const rnd = new MT19937(1);
    const img = (n: number) => tf.tensor4d(Float32Array.from({ length: n * 8 * 8 * 3 }, () => 2 * rnd.random() - 1), [n, 8, 8, 3]);
    const [real, fake] = [img(8), img(8)];
    const patch = tf.tensor2d(Array.from({ length: 8 }, (_, i) => [0.5, 0.1 * i, 0.2]).flat(), [8, 3]);
    const angles = tf.tensor2d(Array.from({ length: 8 }, (_, i) => [0.3 * i, 1.4]).flat(), [8, 2]);
    const grads = (rows: number[]) =>
      tf.tidy(() => {
        const part = (x: tf.Tensor) => tf.gather(x, rows);
        const { grads } = tf.variableGrads(
          () => dLoss(discriminate(MINI_DCFG, D, { images: part(real) as tf.Tensor4D, patch: part(patch) as tf.Tensor2D, angles: part(angles) as tf.Tensor2D }), discriminate(MINI_DCFG, D, { images: part(fake) as tf.Tensor4D, patch: part(patch) as tf.Tensor2D, angles: part(angles) as tf.Tensor2D })),
          Object.values(D),
        );
        return Float32Array.from(Object.values(D).flatMap((v) => Array.from(grads[v.name].dataSync())));
      });
    // minibatch std groups rows i ≡ k (mod N / 4), as the official reshape [G, N/G, …] does: with N = 8 the
    // groups are the even and the odd rows, and each replica's batch of 4 is one group.
    const whole = grads([0, 1, 2, 3, 4, 5, 6, 7]);
    const mean = meanOf([grads([0, 2, 4, 6]), grads([1, 3, 5, 7])]);
    let err = 0;
    let scale = 0;
    for (let i = 0; i < whole.length; i++) {
      err = Math.max(err, Math.abs(whole[i] - mean[i]));
      scale = Math.max(scale, Math.abs(whole[i]));
    }
    expect(scale).toBeGreaterThan(1e-3);
    expect(err).toBeLessThan(1e-5 * Math.max(1, scale));
    // Halves that mix the groups do not give the batch's gradient: the group statistics differ.
    const skew = meanOf([grads([0, 1, 2, 3]), grads([4, 5, 6, 7])]);
    expect(Math.max(...whole.map((v, i) => Math.abs(v - skew[i])))).toBeGreaterThan(1e-4);
    tf.dispose([real, fake, patch, angles, ...Object.values(D)]);
  });

  it('`npm run train -- --workers 2` trains in two worker threads; one process resumes its checkpoint', async () => {
    const { main } = await import('../../scripts/train');
    const out = mkdtempSync(join(tmpdir(), 'dp-'));
    const args = ['--dataset', 'toy', '--res', '32', '--patch', '16', '--preset', 'tiny', '--batch', '8', '--checkpoint-every', '2', '--seed', '3', '--out', out];
    const lines: string[] = [];
    const log = console.log;
    console.log = (s: string) => lines.push(s);
    try {
      await main([...args, '--steps', '2', '--workers', '2']);
      const m = JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8'));
      expect([m.step, m.imagesSeen, m.options.batch]).toEqual([2, 16, 8]);
      await main([...args, '--steps', '3', '--resume']);
      const stats = lines.map((l) => JSON.parse(l));
      expect(stats.map((s) => s.step)).toEqual([1, 2, 3]);
      expect(stats.map((s) => s.imagesSeen)).toEqual([8, 16, 24]);
      for (const s of stats) expect(Number.isFinite(s.dLoss) && Number.isFinite(s.gLoss)).toBe(true);
      await expect(main([...args, '--steps', '1', '--workers', '3'])).rejects.toThrow(/--batch must be a multiple of 4 × --workers/);
      // Ctrl-C ends a long run after the step in progress, with a checkpoint of that step.
      const listeners = process.listenerCount('SIGINT');
      console.log = (s: string) => {
        lines.push(s);
        process.emit('SIGINT', 'SIGINT');
      };
      await main([...args, '--steps', '1000', '--resume']);
      expect(lines.map((l) => JSON.parse(l).step).slice(3)).toEqual([4]);
      const stopped = JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8'));
      expect([stopped.step, stopped.imagesSeen]).toEqual([4, 32]);
      // Resumed runs kept the first run's schedule lengths (2 steps × 8 images), whatever --steps said.
      expect([stopped.options.annealImages, stopped.options.densityNoiseImages]).toEqual([16, 8]);
      expect(process.listenerCount('SIGINT')).toBe(listeners);
    } finally {
      console.log = log;
      rmSync(out, { recursive: true, force: true });
    }
  }, 240_000);
});
