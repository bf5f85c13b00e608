/** The consistency metric on the reference renderer's own output: an opaque object must score ≈ 1. */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../helpers/backend';
import { blobScene } from '../helpers/scenes';
import { preset } from '../../src/model/config';
import { Generator } from '../../src/model/generator';
import { cameraFromAngles } from '../../src/render/camera';
import { renderReference } from '../../src/render/reference';
import { consistencyAngles, multiViewConsistency } from '../../src/eval/consistency';

describe('multi-view consistency of rendered geometry (wasm)', () => {
  it('the structured scene (opaque object) scores ≈ 1; its views assigned to the wrong cameras do not', async () => {
    await useBackend('wasm');
    const cfg = preset('tiny');
    const G = Generator.random(cfg, 0);
    const res = 32;
    const scene = blobScene(cfg, G.params, 0.3);
    // Move the object off-centre (shift the planes by a few texels) so that wrong cameras cannot agree by symmetry.
    const planes1 = tf.tidy(() => tf.pad(tf.slice(scene.planes, [0, 0, 0, 0], [1, 56, 60, -1]), [[0, 0], [8, 0], [4, 0], [0, 0]])) as tf.Tensor4D;
    const angles = consistencyAngles();
    const k = angles.length;
    const z = G.latents([0]);
    const ws1 = G.mapping(z);
    const ws = tf.tile(ws1, [k, 1, 1]) as tf.Tensor3D;
    const planes = tf.tile(planes1, [k, 1, 1, 1]) as tf.Tensor4D;
    const cams = angles.map(([y, p]) => cameraFromAngles(y, p, cfg.camera.radius, cfg.camera.fovDeg));
    const out = renderReference(cfg, scene.params, planes, ws, cams, { resolution: res, deterministic: true, ignoreBg: true });
    const op = (await out.opacity.data()) as Float32Array;
    const dp = (await out.depth.data()) as Float32Array;
    const hw = res * res;
    const views = cams.map((camera, i) => ({ camera, opacity: op.subarray(i * hw, (i + 1) * hw), depth: dp.subarray(i * hw, (i + 1) * hw) }));
    const right = multiViewConsistency(views, res);
    expect(right.coverage).toBeGreaterThan(0.05);
    expect(right.score!).toBeGreaterThan(0.95);
    const wrong = multiViewConsistency(views.map((v, i) => ({ ...v, camera: cams[(i + 3) % k] })), res);
    expect(wrong.score!).toBeLessThan(right.score! - 0.2);
    tf.dispose([z, ws1, ws, planes, planes1, out.rgb, out.depth, out.opacity, scene.planes]);
    G.dispose();
  });
});
