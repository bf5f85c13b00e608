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

/** How long a frame may take while the view moves (ms), so that a drag stays interactive (5 frames a second or more) on slow adapters. */
export const MOVING_BUDGET_MS = 200;
/** Smallest resolution the view renders at. */
export const MIN_RESOLUTION = 16;

/**
 * Resolution of the frames drawn while the view moves: half the still resolution, halved again while a frame
 * at `msPerPixel` (the recent frames' cost) would exceed the budget. On a GPU that is half; on a software adapter
 * at a large still resolution it keeps drags at a few frames per second instead of seconds per frame.
 */
export function movingResolution(still: number, msPerPixel: number | null, budgetMs = MOVING_BUDGET_MS): number {
  let r = Math.max(MIN_RESOLUTION, still / 2);
  if (msPerPixel === null) return r;
  while (r / 2 >= MIN_RESOLUTION && frameMs(r, msPerPixel) > budgetMs) r /= 2;
  return r;
}

/** Bands of rows a still frame is drawn in so that each takes about the budget (1 while its cost is unknown). */
export function stillBands(resolution: number, msPerPixel: number | null, budgetMs = MOVING_BUDGET_MS): number {
  return msPerPixel === null ? 1 : Math.max(1, Math.ceil(frameMs(resolution, msPerPixel) / budgetMs));
}

const frameMs = (resolution: number, msPerPixel: number) => resolution * resolution * msPerPixel;

/** Running estimate of a frame's cost per pixel: an exponential mean over frames of any resolution. */
export function updateMsPerPixel(prev: number | null, ms: number, resolution: number): number {
  const cur = ms / (resolution * resolution);
  return prev === null ? cur : 0.5 * prev + 0.5 * cur;
}
