/**
 * `npm run bundle:script` makes a project script runnable under plain Node (how the real-GPU figures in the
 * README were measured, on a machine without npm): the bundled agreement check runs on lavapipe and reports the
 * same WGSL-vs-reference agreement the renderer test asserts.
 */
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

describe('bundled scripts', () => {
  it('check:agreement bundled into one file runs under plain Node and agrees within 2e-3', () => {
    const dir = join('dist', 'bundle-test'); // inside the repo: the bundle finds node_modules/webgpu from here
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const out = join(dir, 'check-agreement.mjs');
    execFileSync('node', ['scripts/bundle-script.mjs', 'scripts/check-agreement.ts', out], { stdio: 'pipe' });
    expect(statSync(out).size).toBeGreaterThan(1e6); // tfjs and the renderer inlined
    // stderr piped, not shown: Dawn's limit warnings go there, and a failure's message carries it.
    const stdout = execFileSync('node', [out, '--cases', 'tiny'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.camera)).toEqual(['frontal', 'oblique', 'pitch near 0', 'pitch near π', 'past the pole']);
    for (const l of lines) {
      expect(l.case).toBe('tiny');
      expect(l.adapter.length).toBeGreaterThan(0);
      for (const k of ['rgbErr', 'opacityErr', 'depthErr']) {
        expect(Number.isFinite(l[k]), k).toBe(true);
        expect(l[k], k).toBeLessThanOrEqual(2e-3);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }, 240_000);
});
