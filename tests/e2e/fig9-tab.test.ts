/**
 * The Figure 9 experiment panel in Chromium (SwiftShader WebGPU in a worker): the point and area models train
 * in turn for the same number of images, and each column shows its own samples and corner metrics next to
 * the real images'.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, useApp } from '../helpers/browser';

const app = useApp({ beforeAll, afterAll });

interface Metrics {
  samples: number;
  correlation: number | null;
  meanAbsContrast: number;
  matchFraction: number;
  whiteFraction: number;
}
interface Model {
  step: number;
  imagesSeen: number;
  resultStep: number | null;
  metrics: Metrics | null;
  grid: { width: number; height: number; rgba: number[] } | null;
}
interface Fig9 {
  phase: string;
  error: string;
  real: Metrics | null;
  point: Model;
  area: Model;
}
const fig9 = (page: Page): Promise<Fig9> => page.evaluate(() => (window as any).__epigraf.fig9());

describe('Figure 9 experiment panel (Chromium)', () => {
  it('trains the point and the area model side by side and shows their samples and corner metrics', async () => {
    const { page, errors } = await openPage(app());
    const panel = page.getByRole('region', { name: 'Figure 9 experiment' });
    await panel.getByLabel('Steps per model', { exact: true }).fill('2');
    await panel.getByLabel('Experiment batch', { exact: true }).fill('4');
    await panel.getByLabel('Evaluate every (steps)', { exact: true }).fill('2');
    await panel.getByLabel('Samples per evaluation', { exact: true }).fill('8');
    await panel.getByRole('button', { name: 'Start experiment', exact: true }).click();
    const t0 = Date.now();
    let s: Fig9;
    for (;;) {
      s = await fig9(page);
      if (s.error) throw new Error(`experiment error: ${s.error}`);
      if (s.phase === 'done') break;
      if (Date.now() - t0 > 420_000) throw new Error(`timed out: ${JSON.stringify({ ...s, point: { ...s.point, grid: null }, area: { ...s.area, grid: null } })}`);
      await page.waitForTimeout(1000);
    }
    console.log(`Figure 9 panel: 2 steps per model and 2 evaluations in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // The real images: both corner sets match, perfectly correlated.
    expect(s.real!.samples).toBe(2);
    expect(s.real!.matchFraction).toBe(1);
    expect(s.real!.correlation).toBeCloseTo(1, 6);
    for (const m of [s.point, s.area]) {
      expect([m.step, m.imagesSeen, m.resultStep]).toEqual([2, 8, 2]);
      expect(m.metrics!.samples).toBe(8);
      for (const v of [m.metrics!.matchFraction, m.metrics!.whiteFraction]) expect(v >= 0 && v <= 1).toBe(true);
      expect(m.metrics!.correlation === null || Math.abs(m.metrics!.correlation) <= 1).toBe(true);
      // 8 samples of 32² at 2× in an 8 × 4 grid with 1-pixel gaps; the unused cells stay white.
      expect([m.grid!.width, m.grid!.height]).toEqual([8 * 65 - 1, 4 * 65 - 1]);
    }
    // Same start, same seed: only the patch filter differs, and so do the samples.
    expect(s.point.grid!.rgba).not.toEqual(s.area.grid!.rgba);
    for (const f of ['point', 'area']) {
      const drawn = await page.getByTestId(`fig9-${f}-samples`).evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let nonWhite = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250) nonWhite++;
        return { w: c.width, h: c.height, nonWhite };
      });
      expect([drawn.w, drawn.h]).toEqual([519, 259]);
      expect(drawn.nonWhite).toBeGreaterThan(0);
      expect(await page.getByTestId(`fig9-${f}`).getByTestId('match').textContent()).toMatch(/^\d+\.\d %$/);
    }
    expect(await page.getByTestId('fig9-real').evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([2 * 65 - 1, 64]);
    expect(errors).toEqual([]);
    await page.close();
  }, 600_000);
});
