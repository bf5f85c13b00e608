/**
 * The generator presets the training panel offers: the model presets plus `micro`, a quarter-size `tiny`
 * for software WebGPU adapters. On SwiftShader (headless Chromium, no GPU) a `tiny` step at batch 4 takes
 * ~75 s — the synthesis convolutions at 64² × 64 channels dominate, not the patch size — while `micro`
 * (32² × 8 tri-plane, ≤ 32 channels) keeps a step to seconds, so the whole training loop can be exercised
 * and demonstrated there. Same architecture, losses and sampling; only the widths differ.
 */
import { preset, type ModelConfig, type PresetName } from '../model/config';
import { dConfigFor, type DConfig } from './discriminator';

export type TabPreset = PresetName | 'micro';

export const TAB_PRESETS: TabPreset[] = ['tiny', 'small', 'official', 'micro'];

export function tabModelConfig(p: TabPreset): ModelConfig {
  if (p !== 'micro') return preset(p);
  const tiny = preset('tiny');
  return {
    ...tiny,
    name: 'micro',
    zDim: 64,
    wDim: 64,
    triplane: { ...tiny.triplane, resolution: 32, channels: 8, channelBase: 512, channelMax: 32 },
    decoder: { hidden: [16] },
    background: { ...tiny.background, width: 16, steps: 4 },
    samples: { coarse: 12, fine: 12 },
  };
}

export function tabDConfig(p: TabPreset, resolution: number, patch: number): DConfig {
  if (p !== 'micro') return dConfigFor(p, resolution, patch);
  return { ...dConfigFor('tiny', resolution, patch), channelBase: 512, channelMax: 32, hyperEmbed: 8, hyperWidth: 32, cmapDim: 32 };
}
