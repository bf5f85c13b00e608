/**
 * The in-tab trainer in Chromium (SwiftShader WebGPU in a worker): a few steps with finite losses and live
 * curves, a pause that saves a checkpoint, a reload that offers the saved run, a resume that continues
 * from the saved step, and G_ema opened in the viewer.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { openPage, useApp } from '../helpers/browser';
import { loadWeights, memorySource } from '../../src/model/weights';
import { parseCheckpoint } from '../../src/train/checkpoint';

const app = useApp({ beforeAll, afterAll });

interface Training {
  phase: string;
  step: number;
  imagesSeen: number;
  error: string;
  points: number;
  last: { step: number; dLoss: number; gLoss: number; realScore: number; fakeScore: number; seconds: number } | null;
  samplesStep: number | null;
  savedStep: number | null;
}
const training = (page: Page): Promise<Training> => page.evaluate(() => (window as any).__epigraf.training());
const viewerReady = (page: Page) => expect.poll(() => page.getByTestId('status').getAttribute('data-status'), { timeout: 300_000, interval: 500 }).toBe('ready');
const stepTimes: number[] = [];

async function waitFor(page: Page, what: string, ok: (t: Training) => boolean, timeoutMs: number): Promise<Training> {
  const t0 = Date.now();
  for (;;) {
    const t = await training(page);
    if (t.error) throw new Error(`training error while waiting for ${what}: ${t.error}`);
    if (ok(t)) return t;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(t)}`);
    await page.waitForTimeout(500);
  }
}

describe('in-tab training (Chromium)', () => {
  it('trains 3 steps in a worker, pauses with a checkpoint, opens G_ema in the viewer, downloads, survives a reload and resumes', async () => {
    const { page, errors } = await openPage(app());
    // The panel does not wait for the viewer: training starts while the viewer loads its model.
    await page.getByLabel('Dataset', { exact: true }).selectOption('procedural');
    await page.getByLabel('Objects', { exact: true }).fill('3');
    await page.getByLabel('Views per object', { exact: true }).fill('8');
    await page.getByLabel('Preview every (steps)', { exact: true }).fill('100');
    // micro and patch 16² of 32² images: the cheapest real run (a SwiftShader step still takes about a minute).
    await page.getByLabel('Preset', { exact: true }).selectOption('micro');
    await page.getByLabel('Patch size', { exact: true }).selectOption('16');
    // No R1 here: its second-order kernels add a minute of shader compiles to step 1 (the unit tests cover R1).
    await page.getByLabel('R1 gamma', { exact: true }).fill('0');
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Start training', exact: true }).click();
    let seen = 0;
    const record = (t: Training) => {
      if (t.last && t.last.step > seen) {
        seen = t.last.step;
        stepTimes.push(t.last.seconds);
      }
    };
    const trained = await waitFor(page, '2 steps', (t) => (record(t), t.step >= 2), 300_000);
    expect(trained.phase).toBe('running');
    for (const v of [trained.last!.dLoss, trained.last!.gLoss, trained.last!.realScore, trained.last!.fakeScore]) expect(Number.isFinite(v)).toBe(true);
    expect(Number(await page.getByTestId('loss-chart').getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
    expect(Number(await page.getByTestId('score-chart').getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
    // The preview of the first step has been drawn into the canvas.
    expect(trained.samplesStep).toBe(1);
    const drawn = await page.getByTestId('train-samples').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let nonWhite = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250) nonWhite++;
      return { w: c.width, h: c.height, nonWhite };
    });
    expect(drawn.w).toBeGreaterThan(32);
    expect(drawn.nonWhite).toBeGreaterThan(100);
    expect(await page.getByTestId('train-rate').textContent()).toMatch(/^\d+\.\d\d$/);
    expect(await page.getByTestId('train-eta').textContent()).toMatch(/\d/);

    // Step 3 is in flight: the pause lands after it, with a checkpoint.
    await page.getByRole('button', { name: 'Pause training', exact: true }).click();
    const paused = await waitFor(page, 'the pause and its checkpoint', (t) => (record(t), t.phase === 'paused' && t.savedStep === t.step), 300_000);
    const savedStep = paused.step;
    expect(savedStep).toBeGreaterThanOrEqual(3);
    for (const v of [paused.last!.dLoss, paused.last!.gLoss]) expect(Number.isFinite(v)).toBe(true);
    console.log(`${savedStep} steps and a checkpoint after ${((Date.now() - t0) / 1000).toFixed(1)} s; step seconds: ${stepTimes.map((s) => s.toFixed(1)).join(', ')}`);

    // While paused (no step in flight): G_ema into the viewer, and both downloads.
    await viewerReady(page);
    await page.getByRole('button', { name: 'Open in viewer', exact: true }).click();
    await expect.poll(() => page.getByTestId('model-name').textContent(), { timeout: 300_000, interval: 500 }).toBe(`micro G_ema, step ${savedStep}`);
    await viewerReady(page);
    expect(await page.getByTestId('warning').count()).toBe(0);

    // The downloads: G_ema as viewer weights (float16) and the full checkpoint, both readable by our loaders.
    const saveAs = async (button: string) => {
      const [d] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByRole('button', { name: button, exact: true }).click()]);
      return { name: d.suggestedFilename(), files: unzipSync(new Uint8Array(await readFile((await d.path())!))) };
    };
    const w = await saveAs('Download weights');
    expect(w.name).toMatch(/^epigraf-micro-step\d+-weights\.zip$/);
    const loaded = await loadWeights(memorySource(new Map(Object.entries(w.files)), w.name));
    expect(loaded.config.name).toMatch(/^micro G_ema/);
    expect(loaded.dtype).toBe('float16');
    const c = await saveAs('Download checkpoint');
    const parsed = parseCheckpoint(new TextDecoder().decode(c.files['checkpoint.json']), c.files['checkpoint.bin']);
    expect(parsed.manifest.step).toBe(savedStep);
    expect([...parsed.tensors.keys()].some((k) => k.startsWith('optD/'))).toBe(true);

    // Resume, and reload while step 4 is in flight: the pause's checkpoint is the latest.
    await page.getByRole('button', { name: 'Resume training', exact: true }).click();
    await waitFor(page, 'running again', (t) => t.phase === 'running', 30_000);
    await page.reload();
    const offer = page.getByRole('button', { name: 'Resume saved training', exact: true });
    await offer.waitFor({ timeout: 30_000 });
    expect(await page.getByRole('note').filter({ hasText: 'saved training run' }).textContent()).toContain(`step ${savedStep}`);
    const r0 = Date.now();
    await offer.click();
    // Restored: the counter and the curves start where the checkpoint was, then move on.
    const restored = await waitFor(page, 'the restored run', (t) => t.phase === 'running', 120_000);
    expect(restored.step).toBeGreaterThanOrEqual(savedStep);
    expect(restored.points).toBeGreaterThanOrEqual(savedStep);
    const resumed = await waitFor(page, 'a step after resuming', (t) => t.step > savedStep, 180_000);
    expect(resumed.last!.step).toBe(savedStep + 1);
    expect(Number.isFinite(resumed.last!.dLoss)).toBe(true);
    console.log(`step after resume: ${resumed.last!.seconds.toFixed(1)} s (${((Date.now() - r0) / 1000).toFixed(1)} s from the click)`);

    expect(errors).toEqual([]);
    await page.close();
  });

  it('an uploaded dataset that cannot be used is named in an error, and the panel stays usable', async () => {
    const { page } = await openPage(app());
    for (const name of ['Dataset', 'Image size', 'Objects', 'Views per object', 'Dataset background', 'Preset', 'Patch size', 'R1 gamma', 'Batch', 'Target kimg', 'Preview every (steps)', 'Checkpoint every (minutes)', 'G_ema samples', 'Losses', 'D scores'])
      expect(await page.getByLabel(name, { exact: true }).count(), name).toBe(1);
    for (const name of ['Start training', 'Pause training', 'Resume training', 'Stop training', 'Open in viewer', 'Download weights', 'Download checkpoint'])
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(1);
    await page.getByLabel('Dataset', { exact: true }).selectOption('upload');
    const input = page.getByLabel('Dataset zip', { exact: true });
    const start = page.getByRole('button', { name: 'Start training', exact: true });
    await input.setInputFiles({ name: 'broken.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip') });
    await start.click();
    await expect.poll(() => page.getByTestId('train-error').textContent(), { timeout: 60_000 }).toMatch(/^broken\.zip: not a readable zip archive/);
    // Read in the worker: images without their dataset.json.
    const zip = zipSync({ 'shapes/00000/img00000000.png': strToU8('png?') });
    await input.setInputFiles({ name: 'shapes.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
    await start.click();
    await expect.poll(() => page.getByTestId('train-error').textContent(), { timeout: 120_000 }).toMatch(/^dataset\.json: missing from/);
    expect(await page.getByTestId('train-status').getAttribute('data-phase')).toBe('idle');
    expect(await start.isEnabled()).toBe(true);
    await page.close();
  });
});
