/** Node-only helpers: weights from and to a folder on disk (CLI tools, tests). */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MODEL_JSON, type EncodedWeights, type WeightsSource } from './weights';

export function dirSource(dir: string): WeightsSource {
  const root = resolve(dir);
  return {
    label: root,
    readText: (p) => readFile(join(root, p), 'utf8'),
    readBinary: async (p) => new Uint8Array(await readFile(join(root, p))),
  };
}

export async function writeWeightsDir(dir: string, enc: EncodedWeights): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, MODEL_JSON), JSON.stringify(enc.modelJson, null, 1) + '\n');
  for (const s of enc.shards) await writeFile(join(dir, s.path), s.data);
}
