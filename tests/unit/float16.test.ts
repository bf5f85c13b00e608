/** IEEE 754 half precision ↔ single precision conversions (round to nearest, ties to even). */
import { describe, it, expect } from 'vitest';
import { FLOAT16_MAX, float16BitsToFloat32, float32ToFloat16Bits, fromFloat16, toFloat16 } from '../../src/model/float16';
import { MT19937 } from '../../src/model/prng';

/** Float32 → half → float32. */
const roundTrip = (x: number) => float16BitsToFloat32(float32ToFloat16Bits(x));

const isHalfNaN = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x03ff) !== 0;

describe('float32ToFloat16Bits: known values', () => {
  it('encodes exact values to their bit patterns', () => {
    expect(float32ToFloat16Bits(0)).toBe(0x0000);
    expect(float32ToFloat16Bits(-0)).toBe(0x8000);
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(-2)).toBe(0xc000);
    expect(float32ToFloat16Bits(0.5)).toBe(0x3800);
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff);
    expect(float32ToFloat16Bits(-65504)).toBe(0xfbff);
    expect(float32ToFloat16Bits(2 ** -14)).toBe(0x0400); // smallest normal
    expect(float32ToFloat16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(float32ToFloat16Bits(1023 * 2 ** -24)).toBe(0x03ff); // largest subnormal
    expect(FLOAT16_MAX).toBe(65504);
  });

  it('round trips exact values (keeping the sign of zero)', () => {
    expect(Object.is(roundTrip(0), 0)).toBe(true);
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(roundTrip(1)).toBe(1);
    expect(roundTrip(-2)).toBe(-2);
    expect(roundTrip(65504)).toBe(65504);
    expect(roundTrip(2 ** -24)).toBe(2 ** -24);
  });

  it('rounds 1/3 to the nearest half, 0.333251953125', () => {
    expect(float32ToFloat16Bits(1 / 3)).toBe(0x3555);
    expect(roundTrip(1 / 3)).toBe(0.333251953125);
    expect(roundTrip(-1 / 3)).toBe(-0.333251953125);
  });

  it('rounds ties to even in the normal range', () => {
    // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: the even mantissa (1) wins.
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(roundTrip(1 + 2 ** -11)).toBe(1);
    // 1 + 3·2^-11 lies halfway between 1 + 2^-10 (odd) and 1 + 2^-9 (even): rounds up.
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(roundTrip(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9);
    // Just above a tie rounds up, just below rounds down.
    expect(roundTrip(1 + 2 ** -11 + 2 ** -20)).toBe(1 + 2 ** -10);
    expect(roundTrip(1 + 2 ** -11 - 2 ** -20)).toBe(1);
  });

  it('rounds ties to even in the subnormal range and underflows to signed zero', () => {
    // 2^-25 is halfway between 0 and 2^-24: ties to the even 0.
    expect(float32ToFloat16Bits(2 ** -25)).toBe(0x0000);
    expect(float32ToFloat16Bits(-(2 ** -25))).toBe(0x8000);
    // 3·2^-25 is halfway between 2^-24 (odd) and 2^-23 (even): rounds up.
    expect(float32ToFloat16Bits(3 * 2 ** -25)).toBe(0x0002);
    // Just above the smallest tie rounds up to the smallest subnormal.
    expect(float32ToFloat16Bits(2 ** -25 * (1 + 2 ** -10))).toBe(0x0001);
    // Far below: ±0.
    expect(float32ToFloat16Bits(1e-10)).toBe(0x0000);
    expect(float32ToFloat16Bits(-1e-10)).toBe(0x8000);
    // Rounding up out of the subnormal range gives the smallest normal.
    expect(float32ToFloat16Bits(2 ** -14 - 2 ** -26)).toBe(0x0400);
  });

  it('overflows to ±Infinity', () => {
    expect(float32ToFloat16Bits(70000)).toBe(0x7c00);
    expect(float32ToFloat16Bits(-70000)).toBe(0xfc00);
    expect(roundTrip(70000)).toBe(Infinity);
    // 65520 is halfway between 65504 and 65536 (= Inf after rounding): ties to even → Inf.
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00);
    // Just below the tie stays at the maximum.
    expect(float32ToFloat16Bits(65519)).toBe(0x7bff);
    expect(float32ToFloat16Bits(Infinity)).toBe(0x7c00);
    expect(float32ToFloat16Bits(-Infinity)).toBe(0xfc00);
  });

  it('keeps NaN a NaN', () => {
    const h = float32ToFloat16Bits(NaN);
    expect(isHalfNaN(h)).toBe(true);
    expect(Number.isNaN(float16BitsToFloat32(h))).toBe(true);
    expect(Number.isNaN(roundTrip(NaN))).toBe(true);
  });
});

describe('float16BitsToFloat32: known values', () => {
  it('decodes special and boundary patterns', () => {
    expect(float16BitsToFloat32(0x3c00)).toBe(1);
    expect(float16BitsToFloat32(0xc000)).toBe(-2);
    expect(float16BitsToFloat32(0x7bff)).toBe(65504);
    expect(float16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16BitsToFloat32(0x0400)).toBe(2 ** -14);
    expect(float16BitsToFloat32(0x7c00)).toBe(Infinity);
    expect(float16BitsToFloat32(0xfc00)).toBe(-Infinity);
    expect(Number.isNaN(float16BitsToFloat32(0x7e00))).toBe(true);
    expect(Number.isNaN(float16BitsToFloat32(0xfc01))).toBe(true);
    expect(Object.is(float16BitsToFloat32(0x8000), -0)).toBe(true);
  });
});

describe('round trips', () => {
  it('every non-NaN half bit pattern survives half → float32 → half exactly', () => {
    const all = new Uint16Array(65536);
    for (let h = 0; h < 65536; h++) all[h] = h;
    const back = toFloat16(fromFloat16(all));
    let checked = 0;
    const mismatches: string[] = [];
    for (let h = 0; h < 65536; h++) {
      if (isHalfNaN(h)) {
        expect(isHalfNaN(back[h])).toBe(true);
        continue;
      }
      checked++;
      if (back[h] !== h && mismatches.length < 10) mismatches.push(`0x${h.toString(16)} → 0x${back[h].toString(16)}`);
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(65536 - 2 * 1023); // 2046 NaN patterns (± sign, 1023 non-zero mantissas)
  });

  it('random float32 values in [-1000, 1000] come back within relative error 2^-11', () => {
    const rng = new MT19937(1234);
    const n = 100_000;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = (rng.random() * 2 - 1) * 1000;
    const y = fromFloat16(toFloat16(x));
    let worst = 0;
    for (let i = 0; i < n; i++) {
      if (Math.abs(x[i]) < 2 ** -14) continue; // subnormal halves have absolute, not relative, precision
      worst = Math.max(worst, Math.abs(y[i] - x[i]) / Math.abs(x[i]));
    }
    expect(worst).toBeLessThanOrEqual(2 ** -11);
    expect(worst).toBeGreaterThan(2 ** -13); // the bound is actually approached, i.e. values really were rounded
  });

  it('toFloat16 / fromFloat16 agree with the scalar functions', () => {
    const x = new Float32Array([0, -0, 1, -2, 1 / 3, 65504, 70000, 2 ** -24, 2 ** -25, 1 + 2 ** -11]);
    const h = toFloat16(x);
    expect(Array.from(h)).toEqual(Array.from(x, (v) => float32ToFloat16Bits(v)));
    expect(Array.from(fromFloat16(h))).toEqual(Array.from(h, (b) => Math.fround(float16BitsToFloat32(b))));
  });
});
