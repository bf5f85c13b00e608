/**
 * Official EpiGRAF export (tools/export_official.py: OUT.json + OUT.bin) → viewer weights.
 *   npm run import-official -- IN.json OUT_DIR [--dtype float16|float32] [--name NAME] [--ray-step-multiplier M]
 * float16 halves the download (default); --ray-step-multiplier sets samples per ray and background steps to the
 * training values × M (default 2, as the official inference script).
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { importOfficial } from '../src/model/officialImport';
import { encodeWeights, type StoredDtype } from '../src/model/weights';
import { writeWeightsDir } from '../src/model/weightsNode';
import { FileProblemError } from '../src/model/fileError';

const USAGE = 'usage: npm run import-official -- IN.json OUT_DIR [--dtype float16|float32] [--name NAME] [--ray-step-multiplier M]';

/** A bad command line (printed without a stack trace). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ImportArgs {
  input: string;
  out: string;
  dtype: StoredDtype;
  name?: string;
  rayStepMultiplier: number;
}

export function parseImportArgs(argv: string[]): ImportArgs {
  const pos: string[] = [];
  const opt = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value\n${USAGE}`);
      opt.set(a.slice(2), argv[++i]);
    } else pos.push(a);
  }
  for (const k of opt.keys()) if (!['dtype', 'name', 'ray-step-multiplier'].includes(k)) throw new UsageError(`unknown option --${k}\n${USAGE}`);
  if (pos.length !== 2) throw new UsageError(USAGE);
  const dtype = (opt.get('dtype') ?? 'float16') as StoredDtype;
  if (dtype !== 'float16' && dtype !== 'float32') throw new UsageError(`--dtype must be float16 or float32 (got ${dtype})`);
  const m = Number(opt.get('ray-step-multiplier') ?? 2);
  if (!(Number.isInteger(m) && m >= 1)) throw new UsageError(`--ray-step-multiplier must be a positive integer (got ${opt.get('ray-step-multiplier')})`);
  return { input: pos[0], out: pos[1], dtype, name: opt.get('name'), rayStepMultiplier: m };
}

/** Reads IN.json + IN.bin (beside it) and writes viewer weights; returns a summary. */
export async function importOfficialFiles(a: ImportArgs) {
  const jsonPath = a.input.endsWith('.bin') ? a.input.slice(0, -4) + '.json' : a.input.endsWith('.json') ? a.input : a.input + '.json';
  const binPath = jsonPath.slice(0, -5) + '.bin';
  const files = { json: basename(jsonPath), bin: basename(binPath) };
  const read = (p: string, name: string) => {
    try {
      return readFileSync(p);
    } catch (e) {
      throw new FileProblemError(name, `cannot be read (${(e as Error).message})`);
    }
  };
  const jsonText = read(jsonPath, files.json).toString('utf8');
  const bin = read(binPath, files.bin);
  const imp = importOfficial(jsonText, new Uint8Array(bin.buffer, bin.byteOffset, bin.byteLength), files, { name: a.name, rayStepMultiplier: a.rayStepMultiplier });
  let enc;
  try {
    enc = encodeWeights(imp.config, imp.arrays, { dtype: a.dtype, meta: imp.meta });
  } catch (e) {
    throw new FileProblemError(files.bin, `${(e as Error).message}${a.dtype === 'float16' ? ' (use --dtype float32)' : ''}`);
  }
  await writeWeightsDir(a.out, enc);
  return {
    out: a.out,
    name: imp.config.name,
    dtype: a.dtype,
    cDim: imp.config.cDim,
    triplane: `${imp.config.triplane.resolution}² × ${imp.config.triplane.channels} × 3`,
    samples: imp.config.samples,
    background: imp.config.background.enabled,
    tensors: imp.arrays.size,
    bytes: enc.shards.reduce((s, x) => s + x.data.length, 0),
    from: dirname(jsonPath) === '.' ? files.json : join(dirname(jsonPath), files.json),
  };
}

export async function main(argv: string[]) {
  console.log(JSON.stringify(await importOfficialFiles(parseImportArgs(argv))));
}
