/**
 * Official checkpoints in the page (Chromium): an official export (NAME.json + NAME.bin, as written by
 * tools/export_official.py) picked with *Load weights* is imported in the tab; a conditional model shows the
 * *Class* picker and re-synthesises per class; a broken export names its file while the model keeps rendering.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openPage, useApp } from '../helpers/browser';
import { exportOf } from '../helpers/officialVectors';
import { preset, type ModelConfig } from '../../src/model/config';
import { initParamArrays } from '../../src/model/params';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importOfficialFiles, parseImportArgs } from '../../scripts/import-official';

const app = useApp({ beforeAll, afterAll });

describe('official exports in the viewer (Chromium, SwiftShader WebGPU)', () => {
  it('loads a conditional official export, shows the Class picker, re-synthesises per class; a broken export is named', async () => {
    const { page, errors } = await openPage(app());
    const status = page.getByTestId('status');
    const ready = () => expect.poll(() => status.getAttribute('data-status'), { timeout: 300_000, interval: 500 }).toBe('ready');
    await ready();
    expect(await page.getByLabel('Class').count()).toBe(0); // the default model is unconditional

    const cfg: ModelConfig = { ...preset('tiny'), cDim: 3, name: 'cond' };
    const ex = exportOf(cfg, initParamArrays(cfg, 3, { perturb: 0.1 }));
    await page.getByLabel('Load weights').setInputFiles([
      { name: 'plants.json', mimeType: 'application/json', buffer: Buffer.from(ex.json) },
      { name: 'plants.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(ex.bin) },
    ]);
    await expect.poll(() => page.getByTestId('model-name').textContent(), { timeout: 300_000, interval: 500 }).toBe('official-food_32');
    await ready();
    const cls = page.getByLabel('Class');
    expect(await cls.locator('option').count()).toBe(3);
    await page.getByLabel('Truncation').fill('0.5');
    await ready();
    const pixels = (): Promise<number[]> => page.evaluate(() => (window as any).__epigraf.viewPixels(24));
    const class0 = await pixels();
    await cls.selectOption('2');
    await expect.poll(() => new URL(page.url()).searchParams.get('label'), { timeout: 300_000, interval: 500 }).toBe('2');
    await ready();
    const class2 = await pixels();
    const diff = class0.reduce((a, v, i) => a + Math.abs(v - class2[i]), 0) / class0.length;
    expect(diff).toBeGreaterThan(10); // another class, another picture (measured 43 grey levels)

    const broken = JSON.parse(ex.json);
    delete broken.tensors['state/mapping.embed.weight'];
    await page.getByLabel('Load weights').setInputFiles([
      { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) },
      { name: 'broken.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(ex.bin) },
    ]);
    await expect.poll(() => page.getByTestId('warning').textContent(), { timeout: 60_000 }).toMatch(/broken\.json: missing tensor "mapping\.embed\.weight"/);
    expect(await status.getAttribute('data-status')).toBe('ready');
    expect(await page.getByTestId('model-name').textContent()).toBe('official-food_32');
    expect(errors, errors.join('\n')).toEqual([]);
    await page.close();
  });

  it('?label= opens a conditional model at that class; a class it does not have is named', async () => {
    // A conditional model among the served ones (the built app's weights, removed afterwards): the URL is how a
    // view of one is shared.
    const cfg: ModelConfig = { ...preset('tiny'), cDim: 3, name: 'cond' };
    const ex = exportOf(cfg, initParamArrays(cfg, 3, { perturb: 0.1 }));
    const dir = mkdtempSync(join(tmpdir(), 'epigraf-cond-'));
    const name = `e2e-cond-${process.pid}`;
    const served = join('dist', 'weights', name);
    try {
      writeFileSync(join(dir, 'c.json'), ex.json);
      writeFileSync(join(dir, 'c.bin'), ex.bin);
      await importOfficialFiles(parseImportArgs([join(dir, 'c.json'), served, '--ray-step-multiplier', '1']));
      for (const [label, shown, warning] of [[2, '2', null], [7, '0', /label=7: this model has 3 classes \(0 … 2\); showing class 0/]] as const) {
        const { page } = await openPage(app(), `?model=${name}&label=${label}`);
        await expect.poll(() => page.getByTestId('status').getAttribute('data-status'), { timeout: 300_000, interval: 500 }).toBe('ready');
        expect(await page.getByLabel('Class').inputValue()).toBe(shown);
        expect(new URL(page.url()).searchParams.get('label')).toBe(shown);
        if (warning) expect(await page.getByTestId('warning').textContent()).toMatch(warning);
        await page.close();
      }
    } finally {
      rmSync(served, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
