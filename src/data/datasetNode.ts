/** Node-only: a dataset folder on disk as the path → bytes map importDataset takes (CLI tools, tests). */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DatasetError } from './datasetError';
import { isDatasetFile } from './importDataset';

/** Reads, recursively, only the files importDataset looks at; keys use forward slashes on every OS. */
export async function filesFromDir(dir: string): Promise<Map<string, Uint8Array>> {
  const root = resolve(dir);
  const files = new Map<string, Uint8Array>();
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(join(root, rel), { withFileTypes: true });
    } catch (e) {
      throw new DatasetError(rel === '' ? dir : rel, `not a readable directory (${e instanceof Error ? e.message : String(e)})`);
    }
    for (const entry of entries) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      // Hidden folders (.git, …) never hold dataset files; isDatasetFile would drop their contents anyway.
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.')) await walk(path);
      } else if (isDatasetFile(path)) {
        try {
          files.set(path, new Uint8Array(await readFile(join(root, path))));
        } catch (e) {
          throw new DatasetError(path, `unreadable file (${e instanceof Error ? e.message : String(e)})`);
        }
      }
    }
  };
  await walk('');
  return files;
}
