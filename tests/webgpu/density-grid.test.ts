/**
 * The mesh extraction's GPU grid equals the tfjs decoder: raw σ on the lattice and RGB at arbitrary points
 * (tiny preset, random weights, Node WebGPU on lavapipe); and so the generated decoder equals it for decoders
 * no preset has — two hidden layers on 6 channels, and one too large for a uniform buffer.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useWebGPUBackend } from '../helpers/webgpuNode';
import { preset } from '../../src/model/config';
import { Generator } from '../../src/model/generator';
import { queryTriplane } from '../../src/model/triplane';
import { WgslRenderer } from '../../src/render/wgslRenderer';
import { DensityGridPass } from '../../src/mesh/densityGridPass';
import { EmptyMeshError, extractMesh } from '../../src/mesh/extractMesh';
import { marchingCubes } from '../../src/mesh/marchingCubes';
import { toDisplay } from '../../src/render/displayMap';
import { packDecoder } from '../../src/render/gpuWeights';
import { decoderAddressSpace, decoderBytes } from '../../src/render/mlpWgsl';
import { toGPU } from '../../src/render/rendererInputs';
import type { ModelConfig } from '../../src/model/config';
import { withDeepDecoder } from '../helpers/scenes';

describe('density grid pass equals the tfjs decoder (tiny preset, random weights)', () => {
  const cfg = preset('tiny');
  let g: Generator;
  let r: WgslRenderer;
  let planes: tf.Tensor4D;
  let pass: DensityGridPass;

  beforeAll(async () => {
    await useWebGPUBackend();
    g = Generator.random(cfg, 4, { perturb: 0.05 });
    const ws = g.mapping(g.latents([3]), null, { psi: 0.7 });
    planes = g.synthesize(ws);
    r = await WgslRenderer.create(cfg, g.params);
    await r.setLatent(planes, ws);
    ws.dispose();
    pass = await DensityGridPass.create(r.device, cfg, r.planesBinding(), r.decoderBinding());
  });
  afterAll(() => {
    pass?.destroy();
    r?.destroy();
    planes?.dispose();
    g?.dispose();
  });

  async function reference(points: number[]): Promise<Float32Array> {
    const t = queryTriplane(cfg, g.params, planes, tf.tensor3d(points, [1, points.length / 3, 3]));
    const out = await t.data();
    t.dispose();
    return out as Float32Array;
  }

  it('raw σ on a 20³ lattice over the scene box (faces included)', async () => {
    const n = 20;
    const s = cfg.camera.cubeScale;
    const slabs: number[] = [];
    const sigma = await pass.density(n, (done) => slabs.push(done));
    expect(slabs.at(-1)).toBe(n);
    const pts: number[] = [];
    for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) pts.push(...[x, y, z].map((v) => (v / (n - 1) * 2 - 1) * s));
    const ref = await reference(pts);
    let err = 0;
    let scale = 0;
    for (let i = 0; i < n ** 3; i++) {
      err = Math.max(err, Math.abs(sigma[i] - ref[4 * i + 3]));
      scale = Math.max(scale, Math.abs(ref[4 * i + 3]));
    }
    console.log(`density grid 20³: max |σ_gpu − σ_tfjs| = ${err.toExponential(2)} (max |σ| ${scale.toFixed(3)})`);
    expect(scale).toBeGreaterThan(0.05);
    expect(err).toBeLessThan(1e-4 * Math.max(1, scale));
  });

  it('slabs: a lattice larger than one slab (n = 160: 20 layers per slab) matches on its first and last layers', async () => {
    const n = 160;
    const seen: number[] = [];
    const sigma = await pass.density(n, (done) => seen.push(done));
    expect(seen.length).toBe(8);
    const s = cfg.camera.cubeScale;
    const idx = [0, 17 * n * n + 5 * n + 99, (n ** 3) - 1, (n - 1) * n * n + 3];
    const pts = idx.flatMap((i) => [i % n, Math.floor(i / n) % n, Math.floor(i / (n * n))].map((v) => (v / (n - 1) * 2 - 1) * s));
    const ref = await reference(pts);
    idx.forEach((i, k) => expect(Math.abs(sigma[i] - ref[4 * k + 3])).toBeLessThan(1e-4));
  });

  it('vertex colours: decoder RGB at arbitrary points', async () => {
    const pts = Array.from({ length: 3 * 300 }, (_, i) => Math.sin(i * 12.9898) * 0.45);
    const rgb = await pass.colours(Float32Array.from(pts));
    const ref = await reference(pts);
    let err = 0;
    for (let i = 0; i < 300; i++) for (let k = 0; k < 3; k++) err = Math.max(err, Math.abs(rgb[3 * i + k] - ref[4 * i + k]));
    expect(err).toBeLessThan(1e-4);
    expect(new Set(Array.from(rgb, (v) => v.toFixed(4))).size).toBeGreaterThan(100);
    expect((await pass.colours(new Float32Array(0))).length).toBe(0);
  });

  it('extractMesh: marching cubes of the tfjs density grid, decoder colours at the vertices, an honest empty result', async () => {
    const n = 24;
    const b = cfg.camera.cubeScale;
    const pts: number[] = [];
    for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) pts.push(...[x, y, z].map((v) => (v / (n - 1) * 2 - 1) * b));
    const ref = await reference(pts);
    const sigma = Float32Array.from({ length: n ** 3 }, (_, i) => ref[4 * i + 3]);
    const iso = Float32Array.from(sigma).sort()[Math.floor(0.7 * n ** 3)];
    const expected = marchingCubes({ values: sigma, size: [n, n, n], min: [-b, -b, -b], max: [b, b, b] }, iso);
    const stages = new Set<string>();
    let last = 0;
    const mesh = await extractMesh(r, { resolution: n, threshold: iso }, undefined, (f, stage) => {
      expect(f).toBeGreaterThanOrEqual(last);
      last = f;
      stages.add(stage);
    });
    expect(last).toBeCloseTo(1, 6);
    expect([...stages]).toEqual(['density', 'marching', 'colours']);
    expect(mesh.indices.length).toBe(expected.indices.length);
    expect(mesh.indices.length).toBeGreaterThan(300);
    let posErr = 0;
    for (let i = 0; i < mesh.positions.length; i++) posErr = Math.max(posErr, Math.abs(mesh.positions[i] - expected.positions[i]));
    expect(posErr).toBeLessThan(1e-3 * b);
    const at = await reference(Array.from(mesh.positions.subarray(0, 3 * 200)));
    let colErr = 0;
    for (let i = 0; i < 200; i++) for (let k = 0; k < 3; k++) colErr = Math.max(colErr, Math.abs(mesh.colors[3 * i + k] - toDisplay(at[4 * i + k])));
    expect(colErr).toBeLessThan(1e-4);
    expect(mesh.sigmaRange[1]).toBeGreaterThan(iso);
    const err = await extractMesh(r, { resolution: 8, threshold: 1e6 }).catch((e) => e);
    expect(err).toBeInstanceOf(EmptyMeshError);
    expect(String(err.message)).toMatch(/no surface at threshold 1000000: raw σ on the grid ranges from/);
  });
});


describe('the generated decoder beyond the presets equals the tfjs decoder', () => {
  const tiny = preset('tiny');
  const cases: [string, ModelConfig, 'uniform' | 'storage, read'][] = [
    ['two hidden layers (12, 8) on 6 channels', withDeepDecoder(tiny), 'uniform'],
    ['hidden (8, 2048): 107 KB, a storage buffer', { ...tiny, decoder: { hidden: [8, 2048] } }, 'storage, read'],
  ];
  beforeAll(async () => { await useWebGPUBackend(); });

  it.each(cases)('%s: raw RGB σ at 300 points', async (_name, cfg, space) => {
    expect(decoderAddressSpace(cfg)).toBe(space);
    const g = Generator.random(cfg, 9, { perturb: 0.1 });
    const ws = g.mapping(g.latents([5]), null, { psi: 0.7 });
    const planes = g.synthesize(ws);
    const packed = packDecoder(cfg, g.params);
    const planesGpu = toGPU(planes);
    const decoderGpu = toGPU(packed);
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    const pass = await DensityGridPass.create(device, cfg, { buffer: planesGpu.buffer, size: planes.size * 4 }, { buffer: decoderGpu.buffer, size: decoderBytes(cfg) });
    try {
      const pts = Array.from({ length: 3 * 300 }, (_, i) => Math.sin(i * 78.233) * 0.45);
      const rgb = await pass.colours(Float32Array.from(pts));
      const n = 8;
      const sigma = await pass.density(n);
      const lattice: number[] = [];
      const s = cfg.camera.cubeScale;
      for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) lattice.push(...[x, y, z].map((v) => (v / (n - 1) * 2 - 1) * s));
      const query = async (p: number[]) => {
        const t = queryTriplane(cfg, g.params, planes, tf.tensor3d(p, [1, p.length / 3, 3]));
        const out = await t.data();
        t.dispose();
        return out;
      };
      const [refRgb, refSigma] = [await query(pts), await query(lattice)];
      let err = 0;
      let scale = 0;
      for (let i = 0; i < 300; i++) for (let k = 0; k < 3; k++) {
        err = Math.max(err, Math.abs(rgb[3 * i + k] - refRgb[4 * i + k]));
        scale = Math.max(scale, Math.abs(refRgb[4 * i + k]));
      }
      for (let i = 0; i < n ** 3; i++) err = Math.max(err, Math.abs(sigma[i] - refSigma[4 * i + 3]));
      expect(scale).toBeGreaterThan(0.05);
      expect(err).toBeLessThan(1e-4);
    } finally {
      pass.destroy();
      planesGpu.tensorRef.dispose();
      decoderGpu.tensorRef.dispose();
      tf.dispose([ws, planes, packed]);
      g.dispose();
    }
  });
});
