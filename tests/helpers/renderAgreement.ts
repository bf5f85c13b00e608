/**
 * The WGSL ray-marcher against its twin, the tfjs reference renderer, given the same deterministic samples:
 * the comparison `wgsl-renderer.test.ts` asserts on lavapipe and `npm run check:agreement` reports on any adapter.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Quaternion, Vector3 } from 'three';
import type { ModelConfig } from '../../src/model/config';
import type { Params } from '../../src/model/layers';
import { cameraFromAngles, cameraFromQuaternion, quaternionFromAngles, type Camera } from '../../src/render/camera';
import { renderReference, type ReferenceRenderOptions } from '../../src/render/reference';
import type { WgslRenderer } from '../../src/render/wgslRenderer';
import { toDisplay as disp } from '../../src/render/displayMap';

/** Frontal, oblique, pitch near 0 and near π, and a camera rolled 100° past the pole (radius 1, 30° fov). */
export function agreementCameras(): [string, Camera][] {
  const past = new Quaternion().setFromAxisAngle(new Vector3(0, 0, 1), (100 * Math.PI) / 180).multiply(quaternionFromAngles(0, Math.PI / 2));
  return [
    ['frontal', cameraFromAngles(0, Math.PI / 2, 1, 30)],
    ['oblique', cameraFromAngles(0.8, 1.1, 1, 30)],
    ['pitch near 0', cameraFromAngles(-2.0, 0.01, 1, 30)],
    ['pitch near π', cameraFromAngles(2.5, Math.PI - 0.01, 1, 30)],
    ['past the pole', cameraFromQuaternion(past, 1, 30)],
  ];
}

/** Max abs differences of rgb (display space [0, 1]), opacity and depth over a res × res image. */
export async function compareWithReference(
  cfg: ModelConfig,
  params: Params,
  planes: tf.Tensor4D,
  ws: tf.Tensor3D,
  r: WgslRenderer,
  cam: Camera,
  res: number,
  extra: Partial<ReferenceRenderOptions> = {},
) {
  const ref = renderReference(cfg, params, planes, ws, [cam], { resolution: res, deterministic: true, ...extra });
  const refRgb = await ref.rgb.data();
  const refOp = await ref.opacity.data();
  const refDepth = await ref.depth.data();
  tf.dispose([ref.rgb, ref.opacity, ref.depth]);
  r.render(cam, { width: res, height: res, deterministic: true, coarse: extra.coarse, fine: extra.fine, bgSteps: extra.bgSteps, ignoreBg: extra.ignoreBg, bgOnly: extra.bgOnly });
  const img = await r.read();
  let rgbErr = 0;
  let opErr = 0;
  let depthErr = 0;
  for (let i = 0; i < res * res; i++) {
    for (let k = 0; k < 3; k++) rgbErr = Math.max(rgbErr, Math.abs(disp(img.rgba[4 * i + k]) - disp(refRgb[3 * i + k])));
    opErr = Math.max(opErr, Math.abs(img.rgba[4 * i + 3] - refOp[i]));
    depthErr = Math.max(depthErr, Math.abs(img.depth[i] - refDepth[i]));
  }
  return { rgbErr, opErr, depthErr, img, refRgb };
}
