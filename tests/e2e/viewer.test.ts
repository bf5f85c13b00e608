/** Viewer behaviour in Chromium: accessible controls, orbiting across a pole, interpolation, no WebGPU. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { Quaternion, Vector3 } from 'three';
import { openPage, useApp } from '../helpers/browser';
import { parseUrlState } from '../../src/ui/urlState';

const app = useApp({ beforeAll, afterAll });
const ready = (page: Page) => expect.poll(() => page.getByTestId('status').getAttribute('data-status'), { timeout: 300_000, interval: 500 }).toBe('ready');
const pixels = (page: Page, size = 24): Promise<number[]> => page.evaluate((s) => (window as any).__epigraf.viewPixels(s), size);
const meanAbsDiff = (a: number[], b: number[]) => a.reduce((acc, v, i) => acc + Math.abs(v - b[i]), 0) / a.length;

describe('viewer (Chromium)', () => {

  it('every control has its accessible name', async () => {
    const { page } = await openPage(app());
    await ready(page);
    for (const name of ['Seed', 'Seed B', 'Interpolation', 'Truncation', 'Resolution', 'Display mode', 'Load weights', '3D view', 'Samples per ray', 'Export size', 'Camera path'])
      expect(await page.getByLabel(name, { exact: true }).count(), name).toBeGreaterThanOrEqual(1);
    for (const name of ['Random seed', 'Export image', 'Export video', 'Reset view'])
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(1);
    await page.close();
  });

  it('a drag that carries the camera across a pole changes the picture smoothly; the URL keeps where a fling comes to rest', async () => {
    const { page } = await openPage(app());
    await ready(page);
    const box = (await page.getByLabel('3D view').boundingBox())!;
    const x = box.x + box.width / 2;
    let y = box.y + box.height - 10;
    await page.mouse.move(x, y);
    await page.mouse.down();
    let prev = await pixels(page);
    const diffs: number[] = [];
    let maxHeight = -1;
    for (let i = 0; i < 32; i++) {
      y -= 9; // 9 px of a 384 px view: ~4.2° per step, 135° in all (equator → past a pole)
      await page.mouse.move(x, y);
      const cur = await pixels(page);
      diffs.push(meanAbsDiff(cur, prev));
      prev = cur;
      const o = await page.evaluate(() => (window as any).__epigraf.cameraOrigin());
      maxHeight = Math.max(maxHeight, Math.abs(o[1]) / Math.hypot(o[0], o[1], o[2]));
    }
    await page.mouse.up();
    expect(maxHeight).toBeGreaterThan(0.99); // went over a pole (dragging up tilts the top away: the camera sinks under the south pole)
    const sorted = [...diffs].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    expect(median).toBeGreaterThan(0); // the picture changes…
    expect(Math.max(...diffs)).toBeLessThan(4 * median + 2); // …without a jump at the pole

    // A fling (pointer events 10 ms apart, as a real drag sends them): once inertia has settled and the view
    // refined, the URL holds the camera the view rests at, not the one the release left.
    for (let i = 0; i < 12; i++) {
      await page.mouse.move(x + 8 * i, y);
      if (i === 0) await page.mouse.down();
      await page.waitForTimeout(10);
    }
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('timing').textContent(), { timeout: 120_000, interval: 250 }).toMatch(/refined 8\/8/);
    const rest = new Vector3(...(await page.evaluate(() => (window as any).__epigraf.cameraOrigin()) as [number, number, number]));
    const q = parseUrlState(new URL(page.url()).search).state.q!;
    const fromUrl = new Vector3(0, 0, 1).applyQuaternion(new Quaternion(...q).normalize());
    expect(fromUrl.angleTo(rest)).toBeLessThan(1e-3);
    await page.close();
  });

  it('scrubbing the interpolation slider re-synthesises towards seed B', async () => {
    const { page } = await openPage(app());
    await ready(page);
    const a = await pixels(page);
    await page.getByLabel('Seed B', { exact: true }).fill('5');
    await page.getByLabel('Interpolation', { exact: true }).fill('1');
    await expect.poll(() => page.getByTestId('status').textContent(), { timeout: 300_000, interval: 500 }).toBe('Seed 0 → 5 at 1.00');
    const b = await pixels(page);
    expect(meanAbsDiff(a, b)).toBeGreaterThan(2);
    expect(new URL(page.url()).searchParams.get('interp')).toBe('1');
    await page.close();
  });

  it('after losing the GPU device it recreates it and carries on with the same model and latent', async () => {
    const { page } = await openPage(app());
    await ready(page);
    const before = await pixels(page);
    await page.evaluate(() => (window as any).__epigraf.loseDevice());
    await expect.poll(() => page.getByTestId('status').textContent(), { timeout: 300_000, interval: 500 }).toMatch(/^Recovered from a lost GPU device/);
    expect(await page.getByTestId('status').getAttribute('data-status')).toBe('ready');
    const after = await pixels(page);
    expect(meanAbsDiff(before, after)).toBeLessThan(0.5); // same view of the same latent, on the new device
    const mean = after.reduce((a, v) => a + v, 0) / after.length;
    expect(Math.sqrt(after.reduce((a, v) => a + (v - mean) ** 2, 0) / after.length)).toBeGreaterThan(2); // and a picture, not a flat frame
    await page.close();
  });

  it('without WebGPU the page says what is missing instead of staying blank', async () => {
    const page = await app().browser.newPage();
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true }));
    await page.goto(app().url);
    await expect.poll(() => page.getByTestId('status').getAttribute('data-status'), { timeout: 60_000 }).toBe('error');
    expect(await page.getByTestId('status').textContent()).toMatch(/WebGPU is not available.*needs WebGPU/);
    await page.close();
  });
});
