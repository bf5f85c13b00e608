/** The page in real Chromium: WebGPU found, a model loaded, synthesised and rendered on the webgpu backend. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startApp, openPage, type App } from '../helpers/browser';
import { zFromSeed } from '../../src/model/prng';

let app: App;

describe('viewer page (Chromium, SwiftShader WebGPU)', () => {
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('loads the placeholder model, renders it on the webgpu backend and shows it on the canvas', async () => {
    const { page, errors, foreignRequests } = await openPage(app);
    const status = page.getByTestId('status');
    await page.waitForFunction(() => {
      const s = document.querySelector('[data-testid=status]')?.getAttribute('data-status');
      return s === 'ready' || s === 'error';
    }, undefined, { timeout: 300_000 });
    expect(await status.getAttribute('data-status'), await status.textContent() ?? '').toBe('ready');
    expect(await page.getByTestId('backend').textContent()).toMatch(/^webgpu \(/);
    expect(await page.getByTestId('model-name').textContent()).toMatch(/placeholder/);
    await expect(page.getByRole('note').textContent()).resolves.toMatch(/Placeholder model/);

    const px = await page.evaluate(() => {
      const c = document.querySelector('canvas')!;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      return { w: c.width, h: c.height, data: Array.from(d) };
    });
    expect([px.w, px.h]).toEqual([32, 32]);
    // A real picture: opaque, not one flat colour.
    const lum = [];
    for (let i = 0; i < px.data.length; i += 4) {
      expect(px.data[i + 3]).toBe(255);
      lum.push(px.data[i] + px.data[i + 1] + px.data[i + 2]);
    }
    const mean = lum.reduce((a, b) => a + b, 0) / lum.length;
    const std = Math.sqrt(lum.reduce((a, b) => a + (b - mean) ** 2, 0) / lum.length);
    expect(std).toBeGreaterThan(2);
    expect(errors, errors.join('\n')).toEqual([]);
    expect(foreignRequests).toEqual([]);
    await page.close();
  });

  it('the same seed gives the same z in Chromium as in Node', async () => {
    const { page } = await openPage(app);
    for (const seed of [0, 1, 123456789, 4294967295]) {
      const z = await page.evaluate(([s, d]) => (window as any).__epigraf.zFromSeed(s, d), [seed, 512]);
      expect(z).toEqual(Array.from(zFromSeed(seed, 512)));
    }
    await page.close();
  });

  it('a bad model URL parameter shows a clear error', async () => {
    const { page } = await openPage(app, '?model=does-not-exist');
    await page.waitForFunction(() => document.querySelector('[data-testid=status]')?.getAttribute('data-status') === 'error', undefined, { timeout: 120_000 });
    const text = await page.getByTestId('status').textContent();
    expect(text).toMatch(/^model\.json: cannot be read from .*weights\/does-not-exist\/ \((HTTP 404|not found: the server answered with an HTML page)\)$/);
    await page.close();
  });
});
