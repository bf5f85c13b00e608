/** Reads ../shared/reference/official-vectors (the official implementation's ground truth) through the importer's reader. */
import { readFileSync, existsSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelConfig } from '../../src/model/config';
import type { OfficialTensor } from '../../src/model/official';
import { configFromOfficial, officialState, readOfficialContainer } from '../../src/model/officialImport';

const here = dirname(fileURLToPath(import.meta.url));

export function vectorsDir(): string {
  const candidates = [
    process.env.EPIGRAF_VECTORS,
    resolve(here, '../../../shared/reference/official-vectors'),
  ].filter((x): x is string => !!x);
  for (const c of candidates) if (existsSync(resolve(c, 'epigraf-small.json'))) return c;
  throw new Error(`official vectors not found (looked in ${candidates.join(', ')}); set EPIGRAF_VECTORS`);
}

export const vectorsJson = () => resolve(vectorsDir(), 'epigraf-small.json');
export const vectorsBin = () => resolve(vectorsDir(), 'epigraf-small.bin');

export interface OfficialVectors {
  meta: any;
  get(name: string): OfficialTensor;
  names: string[];
  /** The generator config of the vectors expressed as our ModelConfig (training sample counts: 48 + 48, 8 bg steps). */
  config: ModelConfig;
  /** `state/*` tensors without the prefix. */
  state(): Map<string, OfficialTensor>;
}

let cached: OfficialVectors | null = null;

export function loadOfficialVectors(): OfficialVectors {
  if (cached) return cached;
  const c = readOfficialContainer(readFileSync(vectorsJson(), 'utf8'), readFileSync(vectorsBin()), { json: 'epigraf-small.json', bin: 'epigraf-small.bin' });
  const config = configFromOfficial(c.meta, { name: 'official-vectors', rayStepMultiplier: 1, useNoise: true }, 'epigraf-small.json');
  cached = { meta: c.meta, get: c.get, names: c.names, config, state: () => officialState(c) };
  return cached;
}
