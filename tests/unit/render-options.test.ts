/**
 * A frame's options → the Frame uniform's flags (frame.wgsl reads them by these bits), and the combinations the
 * passes cannot draw, refused by name before anything is uploaded.
 */
import { describe, it, expect } from 'vitest';
import { preset, type ModelConfig } from '../../src/model/config';
import { FLAGS } from '../../src/render/frameUniforms';
import { MAX_BAND_PIXELS, frameBands, frameFlags } from '../../src/render/renderOptions';

describe('frameFlags', () => {
  const withBg = preset('tiny');
  const noBg: ModelConfig = { ...withBg, background: { ...withBg.background, enabled: false } };
  const size = { width: 8, height: 8 };

  it('sets one bit per option, the model’s background and white-background defaults included', () => {
    expect(withBg.background.enabled).toBe(true);
    const base = withBg.camera.whiteBack ? FLAGS.whiteBack | FLAGS.bgModel : FLAGS.bgModel;
    expect(frameFlags(withBg, size)).toBe(base);
    expect(frameFlags(noBg, size)).toBe(base & ~FLAGS.bgModel);
    expect(frameFlags(withBg, { ...size, deterministic: true, ignoreBg: true })).toBe(base | FLAGS.det | FLAGS.ignoreBg);
    expect(frameFlags(withBg, { ...size, whiteBack: true }) & FLAGS.whiteBack).toBe(FLAGS.whiteBack);
    expect(frameFlags(withBg, { ...size, whiteBack: false }) & FLAGS.whiteBack).toBe(0);
    expect(frameFlags(withBg, { ...size, bgOnly: true }) & FLAGS.bgOnly).toBe(FLAGS.bgOnly);
  });

  it('skipping interpolates fine samples unless told not to; interpolation never comes without skipping', () => {
    expect(frameFlags(withBg, { ...size, skipping: true }) & (FLAGS.occupancy | FLAGS.interpolate)).toBe(FLAGS.occupancy | FLAGS.interpolate);
    expect(frameFlags(withBg, { ...size, skipping: true, interpolateFine: false }) & (FLAGS.occupancy | FLAGS.interpolate)).toBe(FLAGS.occupancy);
    expect(frameFlags(withBg, { ...size, interpolateFine: true }) & (FLAGS.occupancy | FLAGS.interpolate)).toBe(0);
  });

  it('refuses a background-only frame without a background model, and injected depths with skipping', () => {
    expect(() => frameFlags(noBg, { ...size, bgOnly: true })).toThrow('bgOnly needs a model with a background INR');
    const inject = { coarseZ: new Float32Array(64 * 24), fineZ: new Float32Array(64 * 24) };
    expect(frameFlags(withBg, { ...size, inject }) & FLAGS.inject).toBe(FLAGS.inject);
    expect(() => frameFlags(withBg, { ...size, inject, skipping: true })).toThrow('injected sample depths and empty-space skipping cannot be combined');
  });
});

describe('frameBands', () => {
  it('covers every row once, in order, in at least the bands asked for and none over MAX_BAND_PIXELS', () => {
    expect(frameBands(64, 64)).toEqual([[0, 64]]);
    expect(frameBands(64, 13, 3)).toEqual([[0, 4], [4, 8], [8, 13]]);
    expect(frameBands(64, 4, 10)).toEqual([[0, 1], [1, 2], [2, 3], [3, 4]]); // at most one band per row
    expect(frameBands(256, 256)).toEqual([[0, 256]]);
    const big = frameBands(1024, 1024);
    expect(big).toHaveLength(16);
    expect(big[0]).toEqual([0, 64]);
    for (const [cases, w, h, n] of [[0, 1024, 1024, 1], [1, 512, 512, 7], [2, 300, 97, 2], [3, 1000, 131, 1], [4, 1000, 1000, 1]] as const) {
      const bands = frameBands(w, h, n);
      expect(bands[0][0], `case ${cases}`).toBe(0);
      expect(bands[bands.length - 1][1]).toBe(h);
      for (let i = 1; i < bands.length; i++) expect(bands[i][0]).toBe(bands[i - 1][1]);
      for (const [a, b] of bands) {
        expect(b).toBeGreaterThan(a);
        expect((b - a) * w).toBeLessThanOrEqual(MAX_BAND_PIXELS);
      }
    }
  });
});
