/**
 * The WGSL ray-marcher against the official EpiGRAF implementation's own images: the official vectors' state
 * goes through the importer (the path of a user's export), the tri-planes are synthesised on tfjs WebGPU, and the
 * WGSL renderer's deterministic frames (image, foreground only, background only, depth) must equal the official
 * deterministic renders within 1e-3 max abs in raw image space, for both latents and the three cameras; and,
 * given the official stochastic sample depths, the official stochastic images likewise.
 */
import { readFileSync } from 'node:fs';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useWebGPUBackend } from '../helpers/webgpuNode';
import { maxAbsDiff, nchwToNhwc } from '../helpers/backend';
import { loadOfficialVectors, vectorsBin, vectorsJson } from '../helpers/officialVectors';
import { importOfficial } from '../../src/model/officialImport';
import { Generator } from '../../src/model/generator';
import { cameraFromAngles } from '../../src/render/camera';
import { WgslRenderer } from '../../src/render/wgslRenderer';

const v = loadOfficialVectors();
const R = 32;
const report: string[] = [];

describe('WGSL renderer equals the official deterministic images (official vectors, imported)', () => {
  let g: Generator;
  let r: WgslRenderer;
  let ws: tf.Tensor3D;
  let planes: tf.Tensor4D;

  beforeAll(async () => {
    await useWebGPUBackend();
    const imp = importOfficial(readFileSync(vectorsJson(), 'utf8'), readFileSync(vectorsBin()), { json: 'epigraf-small.json', bin: 'epigraf-small.bin' }, { rayStepMultiplier: 1 });
    g = Generator.fromArrays(imp.config, imp.arrays);
    ws = g.mapping(tf.tensor2d(v.get('io/z').data, [2, imp.config.zDim]), null, { psi: 1 });
    planes = g.synthesize(ws, { noiseMode: 'const' });
    r = await WgslRenderer.create(imp.config, g.params);
  });
  afterAll(() => {
    console.log(`WGSL vs official (webgpu, lavapipe):\n  ${report.join('\n  ')}`);
    r?.destroy();
    g?.dispose();
    tf.dispose([ws, planes]);
  });

  // One test per (latent, camera): three ray-marched 32² frames at 48 + 48 samples (2–7 s on lavapipe, but
  // up to ≈15 s a frame when the 2-core machine is busy).
  let current = -1;
  for (const item of [0, 1]) {
    for (const k of [0, 1, 2]) {
      it(`latent ${item}, camera ${k}: image, foreground only, background only and depth`, async () => {
        if (current !== item) {
          const p = tf.slice(planes, [item, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
          const w = tf.slice(ws, [item, 0, 0], [1, -1, -1]) as tf.Tensor3D;
          await r.setLatent(p, w);
          tf.dispose([p, w]);
          current = item;
        }
        const ang = v.get('io/camera_angles').data;
        const cam = cameraFromAngles(ang[3 * k], ang[3 * k + 1], v.config.camera.radius, v.config.camera.fovDeg);
        const ref = (name: string) => {
          const t = v.get(name);
          const per = t.data.length / 2;
          return nchwToNhwc(t.data.slice(item * per, (item + 1) * per), [1, ...t.shape.slice(1)]);
        };
        const cases = [
          ['img_det', {}, `io/img_det_cam${k}`],
          ['img_fg_only_det', { ignoreBg: true }, `io/img_fg_only_det_cam${k}`],
          ['img_bg_only_det', { bgOnly: true }, `io/img_bg_only_det_cam${k}`],
        ] as const;
        // The stochastic render with the official run's own sample depths injected (this latent's rays).
        const S = 48;
        const K = 48;
        const px = R * R;
        const coarseZ = v.get(`io/coarse_z_vals_stoch_cam${k}`).data.slice(item * px * S, (item + 1) * px * S);
        const fineZ = v.get(`io/fine_z_vals_stoch_cam${k}`).data.slice(item * px * K, (item + 1) * px * K);
        r.render(cam, { width: R, height: R, coarse: S, fine: K, bgSteps: 8, skipping: false, inject: { coarseZ, fineZ } });
        {
          const img = await r.read();
          const rgb = new Float32Array(R * R * 3);
          for (let i = 0; i < R * R; i++) for (let c = 0; c < 3; c++) rgb[3 * i + c] = img.rgba[4 * i + c];
          const { diff, scale } = maxAbsDiff(rgb, ref(`io/img_stoch_cam${k}`));
          report.push(`img_stoch_cam${k}[${item}]: max |Δ| ${diff.toExponential(2)}`);
          expect(scale).toBeGreaterThan(0.01);
          expect(diff, `img_stoch cam ${k} latent ${item}`).toBeLessThanOrEqual(1e-3);
        }
        for (const [label, opts, name] of cases) {
          r.render(cam, { width: R, height: R, deterministic: true, coarse: 48, fine: 48, bgSteps: 8, skipping: false, ...opts });
          const img = await r.read();
          const rgb = new Float32Array(R * R * 3);
          for (let i = 0; i < R * R; i++) for (let c = 0; c < 3; c++) rgb[3 * i + c] = img.rgba[4 * i + c];
          const { diff } = maxAbsDiff(rgb, ref(name));
          report.push(`${label}_cam${k}[${item}]: max |Δ| ${diff.toExponential(2)}`);
          expect(diff, `${label} cam ${k} latent ${item}`).toBeLessThanOrEqual(1e-3);
          if (label === 'img_det') {
            const d = maxAbsDiff(img.depth, ref(`io/depth_det_cam${k}`)).diff;
            report.push(`depth_det_cam${k}[${item}]: max |Δ| ${d.toExponential(2)}`);
            expect(d, `depth cam ${k} latent ${item}`).toBeLessThanOrEqual(1e-3);
          }
        }
      });
    }
  }
});
