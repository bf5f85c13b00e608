// Sums vitest's JSON reports of every tier into one closing line: "N passed, N failed".
// A tier without a report (it crashed or never ran) counts as a failure, and so does a skipped or todo test:
// nothing may pass quietly by not running.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [dir, ...tiers] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let missing = 0;
for (const tier of tiers) {
  const f = join(dir, `${tier}.json`);
  if (!existsSync(f)) {
    console.log(`tier ${tier}: no report (did not run)`);
    missing++;
    continue;
  }
  const r = JSON.parse(readFileSync(f, 'utf8'));
  const p = r.numPassedTests ?? 0;
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  const fl = (r.numFailedTests ?? 0) + (r.numFailedTestSuites ?? 0) + skipped;
  console.log(`tier ${tier}: ${p} passed, ${fl} failed, ${skipped} skipped${skipped ? ' (counted as failed)' : ''}`);
  if (p === 0) missing++;
  passed += p;
  failed += fl;
}
failed += missing;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
