/** The training panel's state, apart from the viewer's store: what the training worker last reported. */
import { create } from 'zustand';
import type { RunSpec, SavedRunInfo, StatsPoint } from '../train/worker/protocol';

export type TrainPhase = 'idle' | 'preparing' | 'running' | 'pausing' | 'paused' | 'stopping' | 'stopped';

export interface SampleGrid {
  step: number;
  width: number;
  height: number;
  rows: number;
  cols: number;
  rgba: Uint8ClampedArray;
}

export interface TrainingState {
  phase: TrainPhase;
  /** What is happening, in words. */
  message: string;
  /** The last error, shown until the next action. */
  error: string;
  spec: RunSpec | null;
  step: number;
  imagesSeen: number;
  /** Training seconds (paused time excluded). */
  elapsed: number;
  history: StatsPoint[];
  samples: SampleGrid | null;
  lastSaved: SavedRunInfo | null;
  /** A run found in the browser's storage at start-up, offered for resuming. */
  saved: SavedRunInfo | null;
  set: (patch: Partial<Omit<TrainingState, 'set'>>) => void;
}

export const useTraining = create<TrainingState>((set) => ({
  phase: 'idle',
  message: '',
  error: '',
  spec: null,
  step: 0,
  imagesSeen: 0,
  elapsed: 0,
  history: [],
  samples: null,
  lastSaved: null,
  saved: null,
  set: (patch) => set(patch),
}));

/** Images per second over the last few steps (the first steps of a session include shader compiles). */
export function imagesPerSecond(history: StatsPoint[], batch: number, window = 5): number {
  const recent = history.slice(-window);
  const secs = recent.reduce((a, p) => a + p.seconds, 0);
  return secs > 0 ? (recent.length * batch) / secs : 0;
}

/** Seconds left to reach the target, at the current rate; null before there is a rate. */
export function etaSeconds(imagesSeen: number, targetKimg: number, rate: number): number | null {
  if (rate <= 0) return null;
  return Math.max(0, targetKimg * 1000 - imagesSeen) / rate;
}

export function formatDuration(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '—';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : m > 0 ? `${m} min ${String(sec).padStart(2, '0')} s` : `${sec} s`;
}
