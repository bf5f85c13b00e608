/** The page in real Chromium: WebGPU found, a model loaded, synthesised and rendered on the webgpu backend. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openPage, useApp } from '../helpers/browser';
import { zFromSeed } from '../../src/model/prng';

const app = useApp({ beforeAll, afterAll });

describe('viewer page (Chromium, SwiftShader WebGPU)', () => {

  it('loads the trained default model, synthesises on the webgpu backend, ray-marches in WGSL and shows it on the canvas', async () => {
    const { page, errors, foreignRequests } = await openPage(app());
    const status = page.getByTestId('status');
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 300_000, interval: 500 }).toMatch(/^(ready|error)$/);
    expect(await status.getAttribute('data-status'), await status.textContent() ?? '').toBe('ready');
    expect(await page.getByTestId('backend').textContent()).toMatch(/^webgpu \(/);
    expect(await page.getByTestId('model-name').textContent()).toBe('tiny (trained)');
    expect(await page.getByRole('note').count()).toBe(0); // no placeholder warning

    const timing = page.getByTestId('timing');
    const refined = async () => expect.poll(() => timing.textContent(), { timeout: 300_000, interval: 500 }).toMatch(/refined 8\/8/);
    await refined();
    expect(await timing.textContent()).toMatch(/WGSL frame \d+ ms, [\d.]+ decoder evaluations per pixel/);

    // What the display pass draws on the WebGPU canvas: a real picture, not one flat colour. (Headless
    // screenshots do not capture WebGPU canvases, so the canvas texture is read back.)
    const snapshot = () => page.evaluate(() => (window as any).__epigraf.snapshotCanvas());
    const before = await snapshot();
    expect([before.width, before.height]).toEqual([384, 384]);
    const lum: number[] = [];
    for (let i = 0; i < before.rgba.length; i += 4) {
      expect(before.rgba[i + 3]).toBe(255);
      lum.push(before.rgba[i] + before.rgba[i + 1] + before.rgba[i + 2]);
    }
    const mean = lum.reduce((a, b) => a + b, 0) / lum.length;
    const std = Math.sqrt(lum.reduce((a, b) => a + (b - mean) ** 2, 0) / lum.length);
    expect(std).toBeGreaterThan(2);

    // A drag on the 3D view turns the object: the picture changes.
    const box = (await page.getByLabel('3D view').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 5; i++) await page.mouse.move(box.x + box.width / 2 + 20 * i, box.y + box.height / 2 + 6 * i);
    await page.mouse.up();
    await refined();
    const after = await snapshot();
    let changed = 0;
    for (let i = 0; i < after.rgba.length; i += 4) if (Math.abs(after.rgba[i] - before.rgba[i]) + Math.abs(after.rgba[i + 2] - before.rgba[i + 2]) > 6) changed++;
    expect(changed / (384 * 384)).toBeGreaterThan(0.1);

    // Changing the seed re-synthesises: the picture changes again, and the URL carries the state.
    await page.getByLabel('Seed', { exact: true }).fill('17');
    await expect.poll(() => page.getByTestId('status').textContent(), { timeout: 300_000, interval: 500 }).toBe('Seed 17');
    await refined();
    const other = await snapshot();
    let diff = 0;
    for (let i = 0; i < other.rgba.length; i += 4) if (Math.abs(other.rgba[i] - after.rgba[i]) + Math.abs(other.rgba[i + 2] - after.rgba[i + 2]) > 6) diff++;
    expect(diff / (384 * 384)).toBeGreaterThan(0.1);
    expect(new URL(page.url()).searchParams.get('seed')).toBe('17');

    // A malformed weights file shows what is wrong while the previous model keeps rendering.
    await page.getByLabel('Load weights').setInputFiles({ name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "epigraf-web", "formatVersion": 99}') });
    await expect.poll(() => page.getByTestId('warning').textContent(), { timeout: 60_000 }).toMatch(/model\.json: unsupported format version 99/);
    expect(await page.getByTestId('status').getAttribute('data-status')).toBe('ready');
    expect(await page.getByTestId('model-name').textContent()).toBe('tiny (trained)');

    // The WGSL renderer equals the tfjs reference renderer in Chromium too (same deterministic samples).
    const cmp = await page.evaluate(() => (window as any).__epigraf.compareWithReference(48));
    expect(cmp.pixels).toBe(48 * 48);
    expect(cmp.maxAbsError).toBeLessThanOrEqual(2e-3);
    expect(errors, errors.join('\n')).toEqual([]);
    expect(foreignRequests).toEqual([]);
    await page.close();
  });

  it('ships a Content-Security-Policy that allows its own origin only, and it blocks other hosts', async () => {
    const { page, errors } = await openPage(app());
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/connect-src 'self'/);
    const blocked = await page.evaluate(() => fetch('http://127.0.0.2:9/x').then(() => 'fetched', (e) => String(e)));
    expect(blocked).toMatch(/Failed to fetch/);
    expect(errors.join('\n')).toMatch(/Content Security Policy/);
    await page.close();
  });

  it('the same seed gives the same z in Chromium as in Node', async () => {
    const { page } = await openPage(app());
    for (const seed of [0, 1, 123456789, 4294967295]) {
      const z = await page.evaluate(([s, d]) => (window as any).__epigraf.zFromSeed(s, d), [seed, 512]);
      expect(z).toEqual(Array.from(zFromSeed(seed, 512)));
    }
    await page.close();
  });

  it('?model=placeholder still opens the untrained model, with its warning', async () => {
    const { page, errors } = await openPage(app(), '?model=placeholder');
    await expect.poll(() => page.getByTestId('status').getAttribute('data-status'), { timeout: 300_000, interval: 500 }).toBe('ready');
    expect(await page.getByTestId('model-name').textContent()).toBe('placeholder (untrained tiny)');
    await expect(page.getByRole('note').textContent()).resolves.toMatch(/Placeholder model: untrained random weights/);
    expect(new URL(page.url()).searchParams.get('model')).toBe('placeholder');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a bad model URL parameter shows a clear error', async () => {
    const { page } = await openPage(app(), '?model=does-not-exist');
    await page.waitForFunction(() => document.querySelector('[data-testid=status]')?.getAttribute('data-status') === 'error', undefined, { timeout: 120_000 });
    const text = await page.getByTestId('status').textContent();
    expect(text).toMatch(/^model\.json: cannot be read from .*weights\/does-not-exist\/ \((HTTP 404|not found: the server answered with an HTML page)\)$/);
    await page.close();
  });
});
