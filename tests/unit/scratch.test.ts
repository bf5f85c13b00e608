import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend, maxAbsDiff, nchwToNhwc } from '../helpers/backend';
import { loadOfficialVectors } from '../helpers/officialVectors';
import { fromOfficialState } from '../../src/model/official';
import { paramsFromArrays } from '../../src/model/tensors';
import { mapping } from '../../src/model/mapping';
import { synthesizePlanes } from '../../src/model/synthesis';
import { zFromSeed } from '../../src/model/prng';

describe('scratch', () => {
  beforeAll(async () => { await useBackend((process.env.TB as any) ?? 'cpu'); });
  it('matches', async () => {
    const v = loadOfficialVectors();
    const cfg = v.config;
    const params = paramsFromArrays(cfg, fromOfficialState(cfg, v.state()));
    const z = v.get('io/z');
    console.log('z', maxAbsDiff(zFromSeed(0, 512), z.data.slice(0, 512)), maxAbsDiff(zFromSeed(1, 512), z.data.slice(512)));
    const ws = mapping(cfg, params, tf.tensor2d(z.data, [2, 512]), null);
    console.log('ws', maxAbsDiff(await ws.data(), v.get('io/ws').data));
    let t = performance.now();
    const planes = synthesizePlanes(cfg, params, ws, { noiseMode: 'const' });
    const pd = await planes.data();
    console.log('planes', maxAbsDiff(pd, nchwToNhwc(v.get('io/planes').data, [2, 96, 32, 32])), performance.now() - t);
  });
});
