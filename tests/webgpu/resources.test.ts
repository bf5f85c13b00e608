/**
 * Resources are released: many latent changes and frames leave the number of live tensors and live GPU
 * buffers unchanged.
 */
import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useWebGPUBackend } from '../helpers/webgpuNode';
import { preset } from '../../src/model/config';
import { Generator } from '../../src/model/generator';
import { cameraFromAngles } from '../../src/render/camera';
import { WgslRenderer } from '../../src/render/wgslRenderer';

describe('resource hygiene (WebGPU)', () => {
  it('1,000 latent changes and 10,000 frames leak no tensors and no GPU buffers', async () => {
    await useWebGPUBackend();
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    // Count live buffers by wrapping createBuffer / destroy on tfjs's device.
    let live = 0;
    const create = device.createBuffer.bind(device);
    device.createBuffer = ((d: GPUBufferDescriptor) => {
      const b = create(d);
      live++;
      const destroy = b.destroy.bind(b);
      let gone = false;
      b.destroy = () => {
        if (!gone) live--;
        gone = true;
        destroy();
      };
      return b;
    }) as typeof device.createBuffer;

    const cfg = { ...preset('tiny'), triplane: { ...preset('tiny').triplane, resolution: 16, channelMax: 16 }, samples: { coarse: 8, fine: 8 } };
    const g = Generator.random(cfg, 2, { perturb: 0.05 });
    const r = await WgslRenderer.create(cfg, g.params, { gridRes: 8 });
    const latent = async (seed: number) => {
      const ws = tf.tidy(() => g.mapping(g.latents([seed])));
      const planes = g.synthesize(ws);
      await r.setLatent(planes, ws);
      tf.dispose([ws, planes]);
    };
    const cam = cameraFromAngles(0.3, 1.2, 1, 30);
    // Warm up: pipelines, tfjs's buffer pool, output targets.
    for (let i = 0; i < 3; i++) await latent(i);
    r.render(cam, { width: 4, height: 4, skipping: true });
    await r.readEvalsPerPixel();
    const tensors0 = tf.memory().numTensors;
    const buffers0 = live;
    expect(buffers0).toBeGreaterThan(0); // the wrapper counts: the renderer's own buffers were made through it
    for (let i = 0; i < 1000; i++) await latent(100 + i);
    for (let f = 0; f < 10000; f++) {
      r.render(cam, { width: 4, height: 4, skipping: true, frameIndex: f, blend: 1 / (f + 1) });
      if (f % 500 === 499) await device.queue.onSubmittedWorkDone();
    }
    await r.readEvalsPerPixel();
    expect(tf.memory().numTensors).toBe(tensors0);
    // tfjs keeps a pool of freed buffers for reuse; allow it to hold a few more, never one per iteration.
    expect(live - buffers0).toBeLessThan(50);
    r.destroy();
    g.dispose();
  });
});
