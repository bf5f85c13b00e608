/** The training panel's pieces that need no browser: the micro preset, the recipe, the throughput readouts. */
import { describe, it, expect } from 'vitest';
import { preset, validateConfig } from '../../src/model/config';
import { numel, paramSpecs } from '../../src/model/params';
import { dConfigFor, dParamSpecs } from '../../src/train/discriminator';
import { tabDConfig, tabModelConfig } from '../../src/train/tabPresets';
import { trainOptionsFor } from '../../src/train/options';
import { etaSeconds, formatDuration, imagesPerSecond } from '../../src/ui/trainStore';
import type { StatsPoint } from '../../src/train/worker/protocol';

const count = (specs: { shape: readonly number[] }[]) => specs.reduce((a, s) => a + numel(s.shape), 0);

describe('tab presets', () => {
  it('micro is a valid, much smaller tiny; the model presets pass through unchanged', () => {
    const micro = validateConfig(tabModelConfig('micro'));
    const tiny = tabModelConfig('tiny');
    expect(micro.name).toBe('micro');
    expect(count(paramSpecs(micro))).toBeLessThan(count(paramSpecs(tiny)) / 4);
    expect(count(dParamSpecs(tabDConfig('micro', 32, 16)))).toBeLessThan(count(dParamSpecs(tabDConfig('tiny', 32, 16))) / 2);
    expect(tabDConfig('tiny', 64, 32)).toEqual(dConfigFor('tiny', 64, 32));
    expect(tabModelConfig('small')).toEqual(preset('small'));
    expect(() => tabDConfig('micro', 32, 24)).toThrow(/patch 24 must divide the resolution 32/);
  });

  it('the recipe halves the inference samples and scales the schedules to the run', () => {
    const o = trainOptionsFor(tabModelConfig('tiny'), { batch: 4, patch: 32, gamma: 0.05, totalImages: 8000 });
    expect([o.coarse, o.fine, o.bgSteps]).toEqual([12, 12, 4]);
    expect([o.annealImages, o.densityNoiseImages, o.emaImages]).toEqual([8000, 4000, 1250]);
  });
});

describe('throughput readouts', () => {
  const p = (seconds: number): StatsPoint => ({ step: 1, imagesSeen: 4, dLoss: 1, gLoss: 1, r1: null, realScore: 0, fakeScore: 0, seconds });

  it('images/s over the last five steps, ETA to the target, durations in words', () => {
    expect(imagesPerSecond([], 4)).toBe(0);
    expect(imagesPerSecond([p(100), p(2), p(2), p(2), p(2), p(2)], 4)).toBe(2); // the slow first step has left the window
    expect(etaSeconds(1000, 2, 0)).toBeNull();
    expect(etaSeconds(1000, 2, 4)).toBe(250);
    expect(etaSeconds(3000, 2, 4)).toBe(0);
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(59.9)).toBe('59 s');
    expect(formatDuration(250)).toBe('4 min 10 s');
    expect(formatDuration(7384)).toBe('2 h 03 min');
  });
});
