/** UI state: one small zustand store. GPU resources live in the engine, never here. */
import { create } from 'zustand';
import type { ModelMeta } from '../model/weights';

export type Status = 'starting' | 'loading' | 'synthesizing' | 'rendering' | 'ready' | 'error';

export interface ViewerState {
  status: Status;
  /** What is happening or what went wrong, in words. */
  message: string;
  backend: string;
  adapter: string;
  modelName: string;
  modelMeta: ModelMeta;
  seed: number;
  psi: number;
  /** Milliseconds of the last synthesis and render. */
  synthMs: number;
  renderMs: number;
  evalsPerPixel: number;
  /** Progressive frames accumulated into the still view. */
  refined: number;
  set: (patch: Partial<Omit<ViewerState, 'set'>>) => void;
}

export const useViewer = create<ViewerState>((set) => ({
  status: 'starting',
  message: 'Starting…',
  backend: '',
  adapter: '',
  modelName: '',
  modelMeta: {},
  seed: 0,
  psi: 0.7,
  synthMs: 0,
  renderMs: 0,
  evalsPerPixel: 0,
  refined: 0,
  set: (patch) => set(patch),
}));
