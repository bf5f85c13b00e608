/** Dropped or picked files → a weights source: model.json plus shards, or one .zip holding them. */
import { unzipSync } from 'fflate';
import { memorySource, WeightsError, type WeightsSource } from '../model/weights';

export async function sourceFromFiles(files: File[]): Promise<WeightsSource> {
  if (files.length === 0) throw new WeightsError('(no files)', 'nothing was dropped');
  const map = new Map<string, Uint8Array>();
  if (files.length === 1 && files[0].name.toLowerCase().endsWith('.zip')) {
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(new Uint8Array(await files[0].arrayBuffer()));
    } catch (e) {
      throw new WeightsError(files[0].name, `not a readable zip (${(e as Error).message})`);
    }
    // Files may sit in one folder inside the zip: key them by their base name.
    for (const [path, data] of Object.entries(entries)) if (!path.endsWith('/')) map.set(path.split('/').pop()!, data);
    return memorySource(map, files[0].name);
  }
  for (const f of files) map.set(f.name, new Uint8Array(await f.arrayBuffer()));
  return memorySource(map, files.map((f) => f.name).join(', '));
}
