/** Sub-pixel jitter of progressive frame n: a Halton (2, 3) sequence centred on the pixel, frame 0 unjittered. */
export function jitterAt(n: number): [number, number] {
  if (n === 0) return [0, 0];
  const halton = (i: number, b: number) => {
    let f = 1;
    let r = 0;
    while (i > 0) {
      f /= b;
      r += f * (i % b);
      i = Math.floor(i / b);
    }
    return r;
  };
  return [halton(n, 2) - 0.5, halton(n, 3) - 0.5];
}
