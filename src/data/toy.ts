/**
 * The toy dataset of the seed's Appendix A / Figure 9: two mostly-white images whose corners carry
 * correlated colours (all four corners red in one image, blue in the other), seen by a fixed frontal camera.
 * The corner marks are small and set in from the edges so that point-sampled full-image patches (s = 1)
 * miss them while small patches see them — the aliasing that makes a patch-wise generator learn the
 * marginals instead of the joint distribution.
 */
export interface ToyOptions {
  resolution?: number;
  /** Side of each corner mark, pixels. */
  markSize?: number;
  /** Distance of each mark from the image edges, pixels. */
  markOffset?: number;
}

export interface ToyImage {
  name: string;
  rgba: Uint8Array;
  /** Frontal official camera: yaw 0, pitch π/2. */
  angles: [number, number, number];
  /** 0 = red corners, 1 = blue corners. */
  label: number;
}

export const TOY_COLOURS: [number, number, number][] = [
  [230, 30, 30],
  [30, 60, 230],
];

export function figure9Toy(o: ToyOptions = {}): ToyImage[] {
  const r = o.resolution ?? 64;
  const size = o.markSize ?? 2;
  const off = o.markOffset ?? 2;
  if (2 * (off + size) > r) throw new Error(`toy: marks of ${size} px at ${off} px do not fit in ${r} px`);
  return TOY_COLOURS.map((colour, label) => {
    const rgba = new Uint8Array(r * r * 4).fill(255);
    for (const [cx, cy] of [
      [off, off],
      [r - off - size, off],
      [off, r - off - size],
      [r - off - size, r - off - size],
    ])
      for (let y = cy; y < cy + size; y++)
        for (let x = cx; x < cx + size; x++) rgba.set([...colour, 255], 4 * (y * r + x));
    return { name: `toy/img${label}`, rgba, angles: [0, Math.PI / 2, 0], label };
  });
}
