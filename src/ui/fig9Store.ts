/** The Figure 9 experiment panel's state: what its worker last reported for each patch filter. */
import { create } from 'zustand';
import type { CornerMetrics } from '../train/figure9';
import type { Fig9Grid } from '../train/worker/fig9Protocol';
import type { PatchFilter } from '../train/patches';

export interface Fig9ModelState {
  step: number;
  imagesSeen: number;
  /** The last evaluation (samples and metrics) and the step it was taken at. */
  result: { step: number; imagesSeen: number; metrics: CornerMetrics; grid: Fig9Grid } | null;
}

export interface Fig9State {
  phase: 'idle' | 'running' | 'stopping' | 'done';
  message: string;
  error: string;
  real: { grid: Fig9Grid; metrics: CornerMetrics } | null;
  models: Record<PatchFilter, Fig9ModelState>;
  set: (patch: Partial<Omit<Fig9State, 'set'>>) => void;
}

export const emptyModels = (): Record<PatchFilter, Fig9ModelState> => ({
  point: { step: 0, imagesSeen: 0, result: null },
  area: { step: 0, imagesSeen: 0, result: null },
});

export const useFig9 = create<Fig9State>((set) => ({
  phase: 'idle',
  message: '',
  error: '',
  real: null,
  models: emptyModels(),
  set: (patch) => set(patch),
}));
