/** The official viewer's map from raw image space (≈[−1, 1]) to display: clamp(x, −1, 1)·0.5 + 0.5. */
export function toDisplay(x: number): number {
  return Math.min(1, Math.max(-1, x)) * 0.5 + 0.5;
}

/** The same as an 8-bit value. */
export function toDisplayByte(x: number): number {
  return Math.round(toDisplay(x) * 255);
}
