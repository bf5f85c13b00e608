/**
 * A frame's options → the Frame uniform's flags (frame.wgsl reads them by these bits), and the combinations the
 * passes cannot draw, refused by name before anything is uploaded.
 */
import { describe, it, expect } from 'vitest';
import { preset, type ModelConfig } from '../../src/model/config';
import { FLAGS } from '../../src/render/frameUniforms';
import { frameFlags } from '../../src/render/renderOptions';

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
