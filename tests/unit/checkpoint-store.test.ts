/**
 * The in-tab checkpoint store's crash safety, over in-memory stores: whatever moment a save is cut short
 * at, `latest` names a complete checkpoint (the previous one or the new one), and leftovers are collected.
 */
import { describe, it, expect } from 'vitest';
import { CheckpointStore, CheckpointStoreError, type AtomicKV, type StoredCheckpoint } from '../../src/train/checkpointStore';
import type { RunSpec } from '../../src/train/worker/protocol';

class Crash extends Error {}

/**
 * A store that applies a commit's operations one by one and can die after `budget` of them: the worst
 * case of a store with no transactions. With budget = Infinity it never dies (and acts atomically).
 */
class MemoryKV implements AtomicKV {
  data = new Map<string, unknown>();
  budget = Infinity;
  async get(key: string) {
    return this.data.get(key);
  }
  async keys() {
    return [...this.data.keys()];
  }
  async commit(puts: [string, unknown][], deletes: string[]) {
    for (const op of [...puts.map((p) => () => this.data.set(p[0], p[1])), ...deletes.map((k) => () => this.data.delete(k))]) {
      if (this.budget-- <= 0) throw new Crash('power lost');
      op();
    }
  }
}

const spec: RunSpec = { dataset: { kind: 'toy', resolution: 32 }, preset: 'tiny', patch: 32, gamma: 0.05, batch: 4, seed: 0, targetKimg: 1, previewEvery: 10, checkpointMinutes: 3 };

function checkpoint(step: number): StoredCheckpoint {
  return {
    info: { spec, step, imagesSeen: 4 * step, elapsed: step, savedAt: 1000 + step },
    json: JSON.stringify({ step }),
    bin: new Uint8Array([step, step, step]),
    history: Array.from({ length: step }, (_, i) => ({ step: i + 1, imagesSeen: 4 * (i + 1), dLoss: 1, gLoss: 1, r1: null, realScore: 0, fakeScore: 0, seconds: 1 })),
  };
}

async function expectIntact(store: CheckpointStore, step: number) {
  const l = await store.latest();
  expect(l).not.toBeNull();
  expect(l!.checkpoint.info.step).toBe(step);
  expect(JSON.parse(l!.checkpoint.json).step).toBe(step);
  expect(Array.from(l!.checkpoint.bin)).toEqual([step, step, step]);
  expect(l!.checkpoint.history.length).toBe(step);
  expect((await store.latestInfo())!.step).toBe(step);
}

describe('checkpoint store', () => {
  it('keeps only the latest checkpoint, under a fresh key each time', async () => {
    const kv = new MemoryKV();
    const store = new CheckpointStore(kv);
    expect(await store.latest()).toBeNull();
    await store.save('run-1', checkpoint(3));
    const first = (await kv.keys()).filter((k) => k.startsWith('checkpoint:'));
    await store.save('run-1', checkpoint(5));
    const second = (await kv.keys()).filter((k) => k.startsWith('checkpoint:'));
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    expect(second[0]).not.toBe(first[0]);
    await expectIntact(store, 5);
  });

  it('a save cut short at any point leaves the previous or the new checkpoint as the latest, never a broken one', async () => {
    // Count the operations of an uninterrupted save, then crash after each possible prefix of them.
    const probe = new MemoryKV();
    await new CheckpointStore(probe).save('run-1', checkpoint(2));
    probe.budget = 1000;
    await new CheckpointStore(probe).save('run-1', checkpoint(4));
    const ops = 1000 - probe.budget;
    expect(ops).toBeGreaterThanOrEqual(3); // record, pointer, deletion of the old record
    let sawOld = 0;
    let sawNew = 0;
    for (let budget = 0; budget <= ops; budget++) {
      const kv = new MemoryKV();
      const store = new CheckpointStore(kv);
      await store.save('run-1', checkpoint(2));
      kv.budget = budget;
      const crashed = await store.save('run-1', checkpoint(4)).then(() => false, (e) => (e instanceof Crash ? true : Promise.reject(e)));
      expect(crashed).toBe(budget < ops);
      kv.budget = Infinity; // the page is reloaded
      const after = new CheckpointStore(kv);
      const step = (await after.latestInfo())!.step;
      expect([2, 4]).toContain(step);
      await expectIntact(after, step);
      if (step === 2) sawOld++;
      else sawNew++;
      // Leftovers of the interrupted save go at the next collection.
      await after.collect();
      expect((await kv.keys()).filter((k) => k.startsWith('checkpoint:'))).toHaveLength(1);
      await expectIntact(after, step);
    }
    expect(sawOld).toBeGreaterThan(0); // crashes before the pointer moved
    expect(sawNew).toBeGreaterThan(0); // crashes after it moved, before the old record was deleted
  });

  it('keeps the uploaded dataset of the saved run and of a starting run, drops other runs\' datasets', async () => {
    const kv = new MemoryKV();
    const store = new CheckpointStore(kv);
    await store.saveDataset('run-1', new Map([['dataset.json', new Uint8Array([1])]]));
    await store.save('run-1', checkpoint(1));
    await store.saveDataset('run-2', new Map([['dataset.json', new Uint8Array([2])]]));
    await store.collect('run-2');
    expect((await store.dataset('run-1'))!.get('dataset.json')).toEqual(new Uint8Array([1]));
    expect((await store.dataset('run-2'))!.get('dataset.json')).toEqual(new Uint8Array([2]));
    await store.save('run-2', checkpoint(2));
    expect(await store.dataset('run-1')).toBeNull();
    expect(await store.dataset('run-2')).not.toBeNull();
    await store.clear();
    expect(await kv.keys()).toEqual([]);
    expect(await store.latestInfo()).toBeNull();
  });

  it('a pointer to a missing record, or a malformed pointer, is an error that says so', async () => {
    const kv = new MemoryKV();
    const store = new CheckpointStore(kv);
    await store.save('run-1', checkpoint(1));
    const id = (await kv.keys()).find((k) => k.startsWith('checkpoint:'))!;
    kv.data.delete(id);
    await expect(store.latest()).rejects.toThrow(/missing or incomplete/);
    kv.data.set('latest', { id: 5 });
    await expect(store.latestInfo()).rejects.toBeInstanceOf(CheckpointStoreError);
  });
});
