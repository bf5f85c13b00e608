/**
 * `npm run dataset -- --out DIR --objects N --views V --res R [--background white|env] [--seed S] [--zip] [--aa A] [--workers W]`
 *
 * Writes the procedural Megascans-protocol dataset in the official EpiGRAF format: PNGs named
 * `00000/img00000000.png` plus `dataset.json` with per-image `camera_angles` [yaw, pitch, roll] and integer
 * `labels` (0 plant, 1 mushroom, 2 fruit); or one zip of the same. Deterministic from the seed whatever the
 * number of workers. Objects are rendered in parallel worker threads; a progress bar goes to stderr and a
 * JSON summary (with images/s) to stdout.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { cpus } from 'node:os';
import { zipSync } from 'fflate';
import type { DatasetOptions } from '../src/data/procedural/generate';
import { datasetFiles, type RenderedObject } from '../src/data/procedural/files';

interface Args extends DatasetOptions {
  out: string;
  objects: number;
  zip: boolean;
  workers: number;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string, def?: string) => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) {
      if (def === undefined) throw new Error(`missing --${name}`);
      return def;
    }
    return argv[i + 1];
  };
  const int = (name: string, def?: string, min = 1) => {
    const v = Number(get(name, def));
    if (!Number.isInteger(v) || v < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
    return v;
  };
  const background = get('background', 'white');
  if (background !== 'white' && background !== 'env') throw new Error('--background must be white or env');
  return {
    out: get('out'),
    objects: int('objects'),
    views: int('views'),
    resolution: int('res', undefined, 8),
    background,
    seed: int('seed', '0', 0),
    aa: int('aa', '2'),
    zip: argv.includes('--zip'),
    workers: int('workers', String(Math.max(1, cpus().length))),
  };
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const results: RenderedObject[] = new Array(a.objects);
  let done = 0;
  let rejected = 0;
  const progress = () => {
    const w = 30;
    const f = Math.round((done / a.objects) * w);
    process.stderr.write(`\r[${'#'.repeat(f)}${'.'.repeat(w - f)}] ${done}/${a.objects} objects, ${done * a.views} images`);
  };
  progress();
  let next = 0;
  const opts: DatasetOptions = { seed: a.seed, views: a.views, resolution: a.resolution, background: a.background, aa: a.aa };
  await Promise.all(
    Array.from({ length: Math.min(a.workers, a.objects) }, () => {
      const worker = new Worker(new URL('./dataset-worker.mjs', import.meta.url), { workerData: opts });
      return new Promise<void>((resolve, reject) => {
        const feed = () => {
          if (next >= a.objects) {
            void worker.terminate();
            resolve();
            return;
          }
          worker.postMessage(next++);
        };
        worker.on('message', (m: { index: number; label: number; rejected: number; views: { yaw: number; pitch: number; png: Uint8Array }[] }) => {
          results[m.index] = m;
          rejected += m.rejected;
          done++;
          progress();
          feed();
        });
        worker.on('error', reject);
        feed();
      });
    }),
  );
  process.stderr.write('\n');
  const files = Object.fromEntries(datasetFiles(results));
  const i = results.reduce((n, r) => n + r.views.length, 0);
  if (a.zip) {
    const zipPath = a.out.endsWith('.zip') ? a.out : `${a.out}.zip`;
    mkdirSync(dirname(zipPath), { recursive: true });
    writeFileSync(zipPath, zipSync(files, { level: 0 }));
  } else {
    for (const [p, data] of Object.entries(files)) {
      mkdirSync(dirname(join(a.out, p)), { recursive: true });
      writeFileSync(join(a.out, p), data);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ out: a.out, zip: a.zip, objects: a.objects, images: i, resolution: a.resolution, background: a.background, seed: a.seed, rejectedAttempts: rejected, seconds: +seconds.toFixed(1), imagesPerSecond: +(i / seconds).toFixed(1), workers: a.workers }));
}

main().catch((e) => {
  process.stderr.write(`\n${(e as Error).message}\n`);
  process.exit(1);
});
