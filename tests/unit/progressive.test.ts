import { describe, it, expect } from 'vitest';
import { MOVING_BUDGET_MS, jitterAt, movingResolution, stillBands, updateMsPerPixel } from '../../src/ui/progressive';

describe('progressive view', () => {
  it('moving frames are half the still resolution where that fits the budget, smaller where it does not', () => {
    expect(movingResolution(512, null)).toBe(256); // no frame measured yet
    expect(movingResolution(32, null)).toBe(16);
    expect(movingResolution(16, null)).toBe(16);
    expect(movingResolution(512, 1e-5)).toBe(256); // a GPU: 256² takes 0.7 ms
    // SwiftShader on this machine: ~0.13 ms per pixel for the shipped model (64² frames measured 526–547 ms)
    expect(movingResolution(64, 0.13)).toBe(32);
    expect(movingResolution(512, 0.13)).toBe(32);
    expect(32 * 32 * 0.13).toBeLessThanOrEqual(MOVING_BUDGET_MS);
    expect(64 * 64 * 0.13).toBeGreaterThan(MOVING_BUDGET_MS);
    expect(movingResolution(512, 5)).toBe(16); // never below 16, however slow
    expect(movingResolution(128, 0.13, 600)).toBe(64);
  });

  it('still frames are drawn in bands of about the budget each', () => {
    expect(stillBands(256, null)).toBe(1); // cost unknown yet
    expect(stillBands(64, 1e-5)).toBe(1); // a GPU
    expect(stillBands(64, 0.13)).toBe(3); // 532 ms
    expect(stillBands(256, 0.13)).toBe(43); // 8.5 s (measured 8.8 s unbanded)
  });

  it('the cost per pixel is a running mean over frames of any size', () => {
    const a = updateMsPerPixel(null, 100, 10);
    expect(a).toBe(1);
    expect(updateMsPerPixel(a, 1200, 20)).toBe(2); // (1 + 3) / 2
  });

  it('jitter: frame 0 at the pixel centre, then a Halton (2, 3) sequence within the pixel', () => {
    expect(jitterAt(0)).toEqual([0, 0]);
    expect(jitterAt(1)).toEqual([0, 1 / 3 - 0.5]);
    expect(jitterAt(2)[0]).toBeCloseTo(-0.25, 12);
    expect(jitterAt(2)[1]).toBeCloseTo(2 / 3 - 0.5, 12);
    for (let n = 1; n < 64; n++) for (const v of jitterAt(n)) expect(Math.abs(v)).toBeLessThan(0.5);
  });
});
