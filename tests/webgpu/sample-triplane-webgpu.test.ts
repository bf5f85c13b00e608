/**
 * The WebGPU kernels of the fused tri-plane lookup (forward, gradient with respect to planes through atomic
 * scatter, gradient with respect to points) against the cpu kernels on the same inputs.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '../../src/model/layers'; // registers tfjs's gradients
import { fusedSampleTriplane } from '../../src/model/kernels/sampleTriplaneOp';
import { MT19937 } from '../../src/model/prng';
import { maxAbsDiff, useBackend } from '../helpers/backend';
import { useWebGPUBackend } from '../helpers/webgpuNode';

const N = 2;
const R = 16;
const C = 8;
const P = 3000; // many points per texel: exercises the atomic adds
const inv = 1 / 0.45;

function data() {
  const rng = new MT19937(7);
  return {
    planes: Float32Array.from(rng.rand(N * R * R * 3 * C), (u) => 2 * u - 1),
    points: Float32Array.from(rng.rand(N * P * 3), (u) => (2.2 * u - 1.1) * 0.45),
    w: Float32Array.from(rng.rand(N * P * C), (u) => u - 0.5),
  };
}

async function run(backend: 'cpu' | 'webgpu') {
  if (backend === 'cpu') await useBackend('cpu');
  else await useWebGPUBackend();
  const d = data();
  const pl = tf.tensor4d(d.planes, [N, R, R, 3 * C]);
  const pt = tf.tensor3d(d.points, [N, P, 3]);
  const w = tf.tensor3d(d.w, [N, P, C]);
  const before = tf.memory().numTensors;
  const out = fusedSampleTriplane(pl, pt, inv);
  const [gp, gx] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(fusedSampleTriplane(a as tf.Tensor4D, b as tf.Tensor3D, inv), w)))([pl, pt]);
  const res = { out: (await out.data()) as Float32Array, gp: (await gp.data()) as Float32Array, gx: (await gx.data()) as Float32Array };
  tf.dispose([out, gp, gx]);
  const leaked = tf.memory().numTensors - before;
  tf.dispose([pl, pt, w]);
  return { ...res, leaked };
}

describe('EpigrafSampleTriplane on WebGPU', () => {
  let cpu: Awaited<ReturnType<typeof run>>;
  let gpu: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    cpu = await run('cpu');
    gpu = await run('webgpu');
  });

  it('forward equals the cpu kernel', () => {
    const d = maxAbsDiff(gpu.out, cpu.out);
    expect(d.scale).toBeGreaterThan(0.1);
    expect(d.diff).toBeLessThan(1e-5);
  });

  it('gradient with respect to the planes (atomic scatter) equals the cpu kernel', () => {
    const d = maxAbsDiff(gpu.gp, cpu.gp);
    expect(d.scale).toBeGreaterThan(0.1);
    expect(d.diff).toBeLessThan(1e-4 * d.scale);
  });

  it('gradient with respect to the points equals the cpu kernel', () => {
    const d = maxAbsDiff(gpu.gx, cpu.gx);
    expect(d.scale).toBeGreaterThan(0.1);
    expect(d.diff).toBeLessThan(1e-4 * d.scale);
  });

  it('leaves no tensors behind on either backend', () => {
    expect(cpu.leaked).toBe(0);
    expect(gpu.leaked).toBe(0);
  });
});
