/**
 * The messages between the page and the training worker. Both sides import these types, so a change to
 * the protocol is a type error on whichever side was not updated.
 */
import type { TabPreset } from '../tabPresets';
import type { StepStats } from '../trainer';

export type DatasetSpec =
  | { kind: 'procedural'; objects: number; views: number; resolution: number; background: 'white' | 'env' }
  | { kind: 'toy'; resolution: number }
  /** Files of an uploaded EpiGRAF dataset (a zip's entries or a folder's files), path → bytes. */
  | { kind: 'upload'; label: string };

export interface RunSpec {
  dataset: DatasetSpec;
  preset: TabPreset;
  patch: number;
  gamma: number;
  batch: number;
  seed: number;
  /** The run's planned length: the schedules are scaled to it and the ETA counts down to it. */
  targetKimg: number;
  /** A preview grid of G_ema samples every this many steps. */
  previewEvery: number;
  /** A checkpoint at least this often while running (and always on pause and stop). */
  checkpointMinutes: number;
}

export interface StatsPoint extends StepStats {
  /** Wall-clock seconds of this step. */
  seconds: number;
}

/** What a saved run looks like from outside: enough to offer resuming it. */
export interface SavedRunInfo {
  spec: RunSpec;
  step: number;
  imagesSeen: number;
  /** Training seconds so far (paused time excluded). */
  elapsed: number;
  savedAt: number;
}

export type ToWorker =
  | { type: 'start'; spec: RunSpec; files?: Map<string, Uint8Array> }
  /** Continue the run saved in the checkpoint store. */
  | { type: 'resumeSaved' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  /** G_ema as viewer weights: float32 to open in the viewer, float16 to download (as the CLI writes). */
  | { type: 'exportWeights'; purpose: 'open' | 'download' }
  | { type: 'exportCheckpoint' };

export type RunState = 'preparing' | 'running' | 'paused' | 'stopped';

export interface NamedFile {
  name: string;
  bytes: Uint8Array;
}

export type FromWorker =
  | { type: 'progress'; message: string }
  | { type: 'started'; info: SavedRunInfo; history: StatsPoint[] }
  | { type: 'state'; state: RunState }
  | { type: 'stats'; point: StatsPoint; elapsed: number }
  | { type: 'samples'; step: number; width: number; height: number; rows: number; cols: number; rgba: Uint8ClampedArray }
  | { type: 'checkpointSaved'; info: SavedRunInfo }
  | { type: 'weights'; purpose: 'open' | 'download'; files: NamedFile[] }
  | { type: 'checkpointFiles'; files: NamedFile[] }
  | { type: 'error'; message: string };
