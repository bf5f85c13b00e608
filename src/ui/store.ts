/** UI state: one small zustand store. GPU resources live in the engine, never here. */
import { create } from 'zustand';
import type { ModelMeta } from '../model/weights';

export type Status = 'starting' | 'loading' | 'synthesizing' | 'ready' | 'error';
export type ViewMode = 'rgb' | 'depth' | 'opacity' | 'foreground' | 'background';

export interface ViewerState {
  status: Status;
  /** What is happening or what went wrong, in words. */
  message: string;
  /** Loading stage and its progress in [0, 1], null when idle. */
  loading: { stage: string; fraction: number } | null;
  /** A failed load or bad input that did not stop the viewer (shown beside the view). */
  warning: string;
  backend: string;
  adapter: string;
  modelName: string;
  modelMeta: ModelMeta;
  classes: number;
  // latent
  seed: number;
  seedB: number;
  interp: number;
  psi: number;
  label: number;
  // render panel
  resolution: number;
  samples: number;
  background: boolean;
  mode: ViewMode;
  // readouts
  synthMs: number;
  renderMs: number;
  fps: number;
  evalsPerPixel: number;
  refined: number;
  /** Bumped whenever the view must be redrawn from scratch (latent or settings changed). */
  revision: number;
  set: (patch: Partial<Omit<ViewerState, 'set'>>) => void;
}

export const useViewer = create<ViewerState>((set) => ({
  status: 'starting',
  message: 'Starting…',
  warning: '',
  loading: null,
  backend: '',
  adapter: '',
  modelName: '',
  modelMeta: {},
  classes: 0,
  seed: 0,
  seedB: 1,
  interp: 0,
  psi: 0.7,
  label: 0,
  resolution: 64,
  samples: 1,
  background: true,
  mode: 'rgb',
  synthMs: 0,
  renderMs: 0,
  fps: 0,
  evalsPerPixel: 0,
  refined: 0,
  revision: 0,
  set: (patch) => set(patch),
}));
