/** Model core: shapes of every preset, config validation, mapping and truncation. */
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../helpers/backend';
import {
  ConfigError, PRESETS, preset, validateConfig, numWs, numWsTriplane, numWsBackground, blockResolutions, channelsAt, planeChannels,
  type PresetName,
} from '../../src/model/config';
import { paramSpecs, numel, initParamArrays } from '../../src/model/params';
import { Generator } from '../../src/model/generator';
import { mappingW } from '../../src/model/mapping';
import { queryTriplane } from '../../src/model/triplane';
import { backgroundInr } from '../../src/model/background';

beforeAll(async () => { await useBackend('wasm'); });

describe('config', () => {
  it('official preset has the published architecture', () => {
    const c = preset('official');
    expect([c.zDim, c.wDim, c.mappingLayers]).toEqual([512, 512, 2]);
    expect([c.triplane.resolution, c.triplane.channels]).toEqual([512, 32]);
    expect(c.decoder.hidden).toEqual([64]);
    expect([c.background.width, c.background.steps, c.background.fourierFrequencies]).toEqual([128, 16, 6]);
    expect([c.samples.coarse, c.samples.fine]).toEqual([96, 96]);
    // channels: 4…64 → 512, 128 → 256, 256 → 128, 512 → 64
    expect(blockResolutions(c).map((r) => channelsAt(c, r))).toEqual([512, 512, 512, 512, 512, 256, 128, 64]);
    expect(numWsTriplane(c)).toBe(16);
    expect(numWsBackground(c)).toBe(4);
    expect(numWs(c)).toBe(20);
    expect(planeChannels(c)).toBe(96);
  });

  it('every preset validates and survives a JSON round trip', () => {
    for (const name of Object.keys(PRESETS) as PresetName[]) {
      const c = preset(name);
      expect(validateConfig(JSON.parse(JSON.stringify(c)))).toEqual(c);
    }
  });

  it('rejects bad configs listing every problem', () => {
    const c: any = preset('tiny');
    c.triplane.resolution = 48;
    c.zDim = 0;
    c.camera.far = 0.5;
    c.decoder.hidden = [];
    try {
      validateConfig(c);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as ConfigError).problems.join('\n');
      expect(msg).toMatch(/triplane\.resolution must be a power of two/);
      expect(msg).toMatch(/zDim must be an integer ≥ 1/);
      expect(msg).toMatch(/camera\.far must be greater than camera\.near/);
      expect(msg).toMatch(/decoder\.hidden/);
    }
    expect(() => validateConfig('nope')).toThrow(ConfigError);
    expect(() => validateConfig({ ...preset('tiny'), camera: null })).toThrow(/camera must be an object/);
    // Render costs a file may not ask for: every pixel of every frame would march them.
    const costly = { ...preset('tiny'), samples: { coarse: 1e9, fine: 2048 }, background: { ...preset('tiny').background, steps: 1e6 } };
    expect(() => validateConfig(costly)).toThrow(/samples\.coarse must be an integer from 3 to 1024 \(got 1000000000\)/);
    expect(() => validateConfig(costly)).toThrow(/samples\.fine must be an integer from 0 to 1024 \(got 2048\)/);
    expect(() => validateConfig(costly)).toThrow(/background\.steps must be an integer from 2 to 256/);
    expect(validateConfig({ ...preset('official'), samples: { coarse: 1024, fine: 1024 } }).samples.fine).toBe(1024);
  });

  it('parameter count of the official generator', () => {
    const n = paramSpecs(preset('official')).reduce((a, s) => a + numel(s.shape), 0);
    // 2 mapping FCs (0.5 M), 8 synthesis blocks (~25 M incl. noise buffers), decoder, background INR: pinned, as
    // every name and shape behind it is checked against the official code on the official vectors' config.
    expect(n).toBe(30_010_651);
  });
});

describe('generator shapes for every preset', () => {
  for (const name of ['tiny', 'small', 'official'] as PresetName[]) {
    it(`${name}: ws, planes, decoded points, background`, () => {
      const cfg = preset(name);
      const g = Generator.random(cfg, 1);
      try {
        tf.tidy(() => {
          const ws = g.mapping(g.latents([7]));
          expect(ws.shape).toEqual([1, numWs(cfg), cfg.wDim]);
          const planes = g.synthesize(ws);
          const r = cfg.triplane.resolution;
          expect(planes.shape).toEqual([1, r, r, 3 * cfg.triplane.channels]);
          const pl = planes.dataSync();
          expect(pl.every(Number.isFinite)).toBe(true);
          const out = queryTriplane(cfg, g.params, planes, tf.randomUniform([1, 10, 3], -0.4, 0.4, 'float32', 3) as tf.Tensor3D);
          expect(out.shape).toEqual([1, 10, 4]);
          const bg = backgroundInr(cfg, g.params, ws, tf.randomUniform([1, 5, 4], 0, 1, 'float32', 4) as tf.Tensor3D);
          expect(bg.shape).toEqual([1, 5, 4]);
        });
      } finally {
        g.dispose();
      }
    });
  }
});

describe('mapping', () => {
  it('ψ = 0 gives w_avg exactly, ψ = 1 the raw w, ψ = 0.5 the midpoint', () => {
    const cfg = preset('tiny');
    const g = Generator.random(cfg, 2, { perturb: 0.3 });
    tf.tidy(() => {
      const wAvg = g.params['mapping.w_avg'].dataSync();
      expect(Math.max(...Array.from(wAvg).map(Math.abs))).toBeGreaterThan(0.05); // non-trivial w_avg
      const z = g.latents([1, 2]);
      const w0 = g.mapping(z, null, { psi: 0 }).arraySync() as number[][][];
      for (const sample of w0) for (const w of sample) w.forEach((v, i) => expect(v).toBeCloseTo(wAvg[i], 6));
      const raw = mappingW(cfg, g.params, z, null).arraySync();
      const w1 = g.mapping(z, null, { psi: 1 }).arraySync() as number[][][];
      const wh = g.mapping(z, null, { psi: 0.5 }).arraySync() as number[][][];
      for (let n = 0; n < 2; n++)
        for (let i = 0; i < cfg.wDim; i++) {
          expect(w1[n][numWs(cfg) - 1][i]).toBeCloseTo(raw[n][i], 6);
          expect(wh[n][3][i]).toBeCloseTo(0.5 * (raw[n][i] + wAvg[i]), 5);
        }
    });
    g.dispose();
  });

  it('conditional models need labels and embed them', () => {
    const cfg = { ...preset('tiny'), cDim: 3 };
    const g = Generator.random(cfg, 4, { perturb: 0.1 });
    tf.tidy(() => {
      const z = g.latents([5, 5]);
      const w = g.mapping(z, [0, 2]).arraySync() as number[][][];
      const diff = Math.max(...w[0][0].map((v, i) => Math.abs(v - w[1][0][i])));
      expect(diff).toBeGreaterThan(1e-3); // same z, different class → different w
      expect(() => g.mapping(z, [0, 3])).toThrow(/out of range/);
      expect(() => g.mapping(z, null)).toThrow(/conditional/);
    });
    g.dispose();
  });

  it('initialisation is deterministic from its seed', () => {
    const a = initParamArrays(preset('tiny'), 11);
    const b = initParamArrays(preset('tiny'), 11);
    const c = initParamArrays(preset('tiny'), 12);
    const name = 'synthesis.tri_plane_decoder.b8.conv0.weight';
    expect(Array.from(a.get(name)!)).toEqual(Array.from(b.get(name)!));
    expect(Array.from(a.get(name)!)).not.toEqual(Array.from(c.get(name)!));
  });
});
