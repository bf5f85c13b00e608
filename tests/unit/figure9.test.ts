/** The Figure 9 metric: real toy images score perfectly; independent corners or tinted images do not. */
import { describe, it, expect } from 'vitest';
import { figure9Toy, TOY_COLOURS } from '../../src/data/toy';
import { cornerMetrics, FIG9_TOY } from '../../src/train/figure9';
import { MT19937 } from '../../src/model/prng';

const R = FIG9_TOY.resolution;
const toRaw = (rgba: Uint8Array) => Float32Array.from({ length: R * R * 3 }, (_, i) => (rgba[4 * Math.floor(i / 3) + (i % 3)] / 255) * 2 - 1);

/** An image like the toy's, with each corner's colour chosen separately (null = white). */
function withCorners(colours: (number | null)[], tint = 0): Float32Array {
  const img = new Uint8Array(R * R * 4).fill(255);
  for (let i = 0; i < R * R; i++) img[4 * i + 1] = 255 - tint;
  const { markSize: m, markOffset: o } = FIG9_TOY;
  [[o, o], [R - o - m, o], [o, R - o - m], [R - o - m, R - o - m]].forEach(([cx, cy], c) => {
    if (colours[c] === null) return;
    for (let y = cy; y < cy + m; y++) for (let x = cx; x < cx + m; x++) img.set([...TOY_COLOURS[colours[c]!], 255], 4 * (y * R + x));
  });
  return toRaw(img);
}

const stack = (xs: Float32Array[]) => {
  const out = new Float32Array(xs.length * R * R * 3);
  xs.forEach((x, i) => out.set(x, i * R * R * 3));
  return out;
};

describe('Figure 9 corner metrics', () => {
  it('the real images: correlation 1, all match', () => {
    const m = cornerMetrics(stack(figure9Toy(FIG9_TOY).map((t) => toRaw(t.rgba))), R, FIG9_TOY);
    expect(m.correlation).toBeCloseTo(1, 9);
    expect(m.matchFraction).toBe(1);
    expect(m.mixedFraction).toBe(0);
  });

  it('corners drawn independently (the marginals only): correlation ≈ 0, about 1/8 match', () => {
    const mt = new MT19937(3);
    const imgs = Array.from({ length: 400 }, () => withCorners([0, 1, 2, 3].map(() => (mt.random() < 0.5 ? 0 : 1))));
    const m = cornerMetrics(stack(imgs), R, FIG9_TOY);
    expect(Math.abs(m.correlation!)).toBeLessThan(0.1);
    expect(Math.abs(m.matchFraction - 1 / 8)).toBeLessThan(0.05);
    expect(m.mixedFraction).toBeGreaterThan(0.8);
  });

  it('white corners do not match; a strongly tinted image is not mostly white', () => {
    const m = cornerMetrics(stack([withCorners([null, null, null, null]), withCorners([1, 1, 1, 1], 200), withCorners([1, 1, 1, 1])]), R, FIG9_TOY);
    expect(m.whiteFraction).toBeCloseTo(2 / 3, 9);
    expect(m.matchFraction).toBeCloseTo(1 / 3, 9);
  });
});
