/** What one frame of the WGSL renderer is asked for, and the shader flags that it comes to (frame.wgsl). */
import type { ModelConfig } from '../model/config';
import type { Patch } from './camera';
import { FLAGS } from './frameUniforms';

export interface WgslRenderOptions {
  width: number;
  height: number;
  coarse?: number;
  fine?: number;
  bgSteps?: number;
  /** Same deterministic samples as the reference renderer's `deterministic` mode. */
  deterministic?: boolean;
  seed?: number;
  frameIndex?: number;
  jitter?: [number, number];
  ignoreBg?: boolean;
  bgOnly?: boolean;
  whiteBack?: boolean;
  /** Empty-space skipping with the occupancy grid and early ray termination. */
  skipping?: boolean;
  /** With skipping: interpolate fine samples on smooth stretches instead of decoding them (default true). */
  interpolateFine?: boolean;
  patch?: Patch;
  /** Weight of this frame in the accumulation buffer (1 = replace, 1/(n+1) = running mean). */
  blend?: number;
  /**
   * Draws only rows [start, end) of the frame (default: all): a frame drawn band by band, one submit each, so
   * that a slow adapter can stop between them. Decoder evaluations are counted from the band at row 0 on.
   */
  rows?: [number, number];
  /** Exact sample depths per pixel ([W·H·coarse] and [W·H·fine], row-major from the top-left pixel): reproduces a given stochastic render. */
  inject?: { coarseZ: Float32Array; fineZ: Float32Array };
}

/** The Frame uniform's flags for a frame; refuses combinations the passes cannot draw. */
export function frameFlags(cfg: ModelConfig, o: WgslRenderOptions): number {
  const bgModel = cfg.background.enabled;
  if (o.bgOnly && !bgModel) throw new Error('bgOnly needs a model with a background INR');
  if (o.inject && o.skipping) throw new Error('injected sample depths and empty-space skipping cannot be combined');
  return (
    (o.deterministic ? FLAGS.det : 0) |
    (o.ignoreBg ? FLAGS.ignoreBg : 0) |
    (o.bgOnly ? FLAGS.bgOnly : 0) |
    ((o.whiteBack ?? cfg.camera.whiteBack) ? FLAGS.whiteBack : 0) |
    (o.skipping ? FLAGS.occupancy : 0) |
    (o.skipping && (o.interpolateFine ?? true) ? FLAGS.interpolate : 0) |
    (bgModel ? FLAGS.bgModel : 0) |
    (o.inject ? FLAGS.inject : 0)
  );
}

/**
 * Most pixels one band (one dispatch of each pass) draws. A driver resets a device whose work runs for seconds
 * (Windows' 2 s TDR). A 512² frame of the official preset with random weights took 51.8 ms on an H200, about
 * 13 ms per 256² of it, so such a band stays well under that on GPUs many times slower.
 */
export const MAX_BAND_PIXELS = 256 * 256;

/** The bands of rows [start, end) to draw a width × height frame in: at least `bands`, none over MAX_BAND_PIXELS. */
export function frameBands(width: number, height: number, bands = 1): [number, number][] {
  const maxRows = Math.max(1, Math.floor(MAX_BAND_PIXELS / width));
  const n = Math.min(height, Math.max(1, Math.floor(bands), Math.ceil(height / maxRows)));
  return Array.from({ length: n }, (_, b) => [Math.floor((b * height) / n), Math.floor(((b + 1) * height) / n)]);
}
