/**
 * One replica of a data-parallel `npm run train -- --workers K` run, started in a worker thread by
 * src/train/replicaPool.ts with the train command's arguments; not meant to be run by hand.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CoordinatorMessage, ReplicaMessage } from '../src/train/replicaPool';
import { parseTrainArgs, setupRun } from './train';

export async function main(argv: string[]) {
  const port = parentPort;
  if (!port) throw new Error('train-replica.ts runs inside a worker thread started by `npm run train -- --workers K`');
  const { index, count } = workerData as { index: number; count: number };
  const post = (m: ReplicaMessage) => port.postMessage(m);
  let meanWaiter: ((flat: Float32Array) => void) | null = null;
  const reduce = (phase: 'D' | 'G', flat: Float32Array) =>
    new Promise<Float32Array>((resolve) => {
      meanWaiter = resolve;
      post({ kind: 'reduce', phase, flat });
    });
  const { trainer, save } = await setupRun(parseTrainArgs(argv), { index, count, reduce });
  const commands: CoordinatorMessage[] = [];
  let wake: (() => void) | null = null;
  port.on('message', (m: CoordinatorMessage) => {
    if (m.kind === 'mean') {
      const w = meanWaiter;
      meanWaiter = null;
      w?.(m.flat);
    } else {
      commands.push(m);
      wake?.();
    }
  });
  post({ kind: 'ready', step: trainer.step });
  for (;;) {
    if (!commands.length) await new Promise<void>((r) => (wake = r));
    wake = null;
    const m = commands.shift()!;
    if (m.kind === 'stop') break;
    if (m.kind === 'step') post({ kind: 'stepped', stats: await trainer.trainStep() });
    else if (m.kind === 'save') {
      await save();
      post({ kind: 'saved' });
    }
  }
  trainer.dispose();
  port.close();
}
