/**
 * Where the in-tab trainer keeps its checkpoints (IndexedDB in the browser, any `AtomicKV` in tests).
 *
 * Crash safety: a checkpoint is never written over the one the `latest` pointer names. Each save writes its
 * record under a fresh key and moves the pointer in the same commit, the pointer last; older records are
 * deleted only after that commit. So a crash (tab closed, power lost) at any moment leaves `latest` naming
 * a complete record — the new one if the commit landed, the previous one if not — and at worst an orphan
 * record that the next save or `open` removes.
 */
import type { SavedRunInfo, StatsPoint } from './worker/protocol';

/** A key-value store whose `commit` applies its puts (in order) and deletes. */
export interface AtomicKV {
  get(key: string): Promise<unknown>;
  keys(): Promise<string[]>;
  commit(puts: [string, unknown][], deletes: string[]): Promise<void>;
}

export interface StoredCheckpoint {
  info: SavedRunInfo;
  /** The trainer's checkpoint (src/train/checkpoint.ts): manifest and tensors. */
  json: string;
  bin: Uint8Array;
  /** The loss curves so far, so that a resumed run's chart continues. */
  history: StatsPoint[];
}

interface Pointer {
  id: string;
  runId: string;
  info: SavedRunInfo;
}

const LATEST = 'latest';
const CHECKPOINT = 'checkpoint:';
const DATASET = 'dataset:';

export class CheckpointStoreError extends Error {}

export class CheckpointStore {
  private saves = 0;

  constructor(private readonly kv: AtomicKV) {}

  /** What the latest checkpoint holds, without reading its tensors; null when nothing was saved. */
  async latestInfo(): Promise<SavedRunInfo | null> {
    return (await this.pointer())?.info ?? null;
  }

  async latest(): Promise<{ runId: string; checkpoint: StoredCheckpoint } | null> {
    const p = await this.pointer();
    if (!p) return null;
    const rec = (await this.kv.get(p.id)) as StoredCheckpoint | undefined;
    if (!rec || typeof rec.json !== 'string' || !(rec.bin instanceof Uint8Array) || !Array.isArray(rec.history))
      throw new CheckpointStoreError(`the saved checkpoint "${p.id}" is missing or incomplete in the browser's storage`);
    return { runId: p.runId, checkpoint: rec };
  }

  async save(runId: string, ck: StoredCheckpoint): Promise<void> {
    const id = `${CHECKPOINT}${runId}/${ck.info.step}/${Date.now()}-${this.saves++}`;
    const pointer: Pointer = { id, runId, info: ck.info };
    await this.kv.commit([[id, ck], [LATEST, pointer]], []);
    await this.collect();
  }

  /** An uploaded dataset's files, kept with the run so that resuming after a reload needs no new upload. */
  async saveDataset(runId: string, files: Map<string, Uint8Array>): Promise<void> {
    await this.kv.commit([[DATASET + runId, files]], []);
  }

  async dataset(runId: string): Promise<Map<string, Uint8Array> | null> {
    const f = await this.kv.get(DATASET + runId);
    return f instanceof Map ? (f as Map<string, Uint8Array>) : null;
  }

  /** Forgets the saved run. */
  async clear(): Promise<void> {
    await this.kv.commit([], await this.kv.keys());
  }

  /**
   * Deletes every record the pointer does not name: superseded checkpoints, orphans of interrupted saves,
   * datasets of other runs. `keepRun` protects the dataset of a run that has not saved a checkpoint yet.
   */
  async collect(keepRun?: string): Promise<void> {
    const p = await this.pointer();
    const keep = new Set([LATEST, ...(p ? [p.id, DATASET + p.runId] : []), ...(keepRun ? [DATASET + keepRun] : [])]);
    const stale = (await this.kv.keys()).filter((k) => !keep.has(k));
    if (stale.length) await this.kv.commit([], stale);
  }

  private async pointer(): Promise<Pointer | null> {
    const p = (await this.kv.get(LATEST)) as Pointer | undefined;
    if (!p) return null;
    if (typeof p.id !== 'string' || typeof p.runId !== 'string' || !p.info || typeof p.info.step !== 'number')
      throw new CheckpointStoreError('the saved training pointer in the browser\'s storage is malformed');
    return p;
  }
}

/** One record per key in an IndexedDB object store; a commit is one `readwrite` transaction. */
export function indexedDbKV(dbName = 'epigraf-training', storeName = 'kv'): AtomicKV {
  let db: Promise<IDBDatabase> | null = null;
  const open = () =>
    (db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(dbName, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(storeName);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(new CheckpointStoreError(`cannot open the browser's training storage: ${req.error?.message}`));
    }));
  const request = <T>(r: IDBRequest<T>) =>
    new Promise<T>((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  return {
    async get(key) {
      return request((await open()).transaction(storeName).objectStore(storeName).get(key));
    },
    async keys() {
      return (await request((await open()).transaction(storeName).objectStore(storeName).getAllKeys())).map(String);
    },
    async commit(puts, deletes) {
      // 'strict': the commit event fires only once the data is on disk, not merely handed to the OS.
      const tx = (await open()).transaction(storeName, 'readwrite', { durability: 'strict' });
      const s = tx.objectStore(storeName);
      for (const [k, v] of puts) s.put(v, k);
      for (const k of deletes) s.delete(k);
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(new CheckpointStoreError(`saving to the browser's training storage failed: ${tx.error?.message}`));
        tx.onabort = () => reject(new CheckpointStoreError(`saving to the browser's training storage was aborted: ${tx.error?.message ?? 'quota exceeded?'}`));
      });
    },
  };
}
