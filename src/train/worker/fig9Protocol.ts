/** The messages between the page and the Figure 9 experiment worker (src/train/worker/fig9Worker.ts). */
import type { CornerMetrics } from '../figure9';
import type { PatchFilter } from '../patches';

export interface Fig9Spec {
  /** Training steps for each of the two models (point and area), taken in turn. */
  stepsPerModel: number;
  batch: number;
  seed: number;
  /** Samples and metrics every this many steps (and after the last). */
  evalEvery: number;
  /** Generated samples the metrics are computed over (the command line uses 1,000). */
  samples: number;
}

export interface Fig9Grid {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

export type ToFig9 = { type: 'start'; spec: Fig9Spec } | { type: 'stop' };

export type FromFig9 =
  | { type: 'progress'; message: string }
  /** The two real images and their metrics (the ceiling: correlation 1, every corner set matching). */
  | { type: 'real'; grid: Fig9Grid; metrics: CornerMetrics }
  | { type: 'step'; filter: PatchFilter; step: number; imagesSeen: number; seconds: number }
  | { type: 'result'; filter: PatchFilter; step: number; imagesSeen: number; metrics: CornerMetrics; grid: Fig9Grid }
  | { type: 'done'; stopped: boolean }
  | { type: 'error'; message: string };
