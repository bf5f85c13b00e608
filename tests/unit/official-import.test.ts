/**
 * Bringing official checkpoints in: tools/export_official.py's writer (run with the system python3) → the
 * importer (CLI and dropped files) → viewer weights; its error messages; conditional models (class embedding,
 * per-class mean w); the .npy reader/writer; `npm run render` against the official deterministic image.
 * (The full equality of the imported generator with the official outputs: official-equality.test.ts.)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { zipSync } from 'fflate';
import { useBackend, maxAbsDiff } from '../helpers/backend';
import { exportOf, loadOfficialVectors, vectorsBin, vectorsJson } from '../helpers/officialVectors';
import { fromOfficialState } from '../../src/model/official';
import { importOfficial, findOfficialExport, OfficialExportError } from '../../src/model/officialImport';
import { FileProblemError } from '../../src/model/fileError';
import { loadWeights } from '../../src/model/weights';
import { dirSource } from '../../src/model/weightsNode';
import { preset, type ModelConfig } from '../../src/model/config';
import { initParamArrays } from '../../src/model/params';
import { param } from '../../src/model/layers';
import { Generator } from '../../src/model/generator';
import { mappingW, oneHot, truncate } from '../../src/model/mapping';
import { zFromSeed } from '../../src/model/prng';
import { readNpy, writeNpy, NpyError } from '../../src/model/npy';
import { decodePng } from '../../src/data/png';
import { sourceFromFiles } from '../../src/ui/weightsFiles';
import { importOfficialFiles, parseImportArgs } from '../../scripts/import-official';
import { parseRenderArgs, renderToFile } from '../../scripts/render';

const tools = resolve(__dirname, '../../tools');
const v = loadOfficialVectors();
const tmp = mkdtempSync(join(tmpdir(), 'epigraf-official-'));
const FILES = { json: 'epigraf-small.json', bin: 'epigraf-small.bin' };
const vJson = () => JSON.parse(readFileSync(vectorsJson(), 'utf8'));
const vBin = () => new Uint8Array(readFileSync(vectorsBin()));

function python(code: string, ...args: string[]): string {
  return execFileSync('python3', ['-c', code, tools, ...args], { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
}

/** Writes an export with tools/export_official.py's own writer (standard library only). */
const REWRITE = `
import json, sys
sys.path.insert(0, sys.argv[1])
from export_official import write_export
src, out = sys.argv[2], sys.argv[3]
h = json.load(open(src + '.json'))
b = open(src + '.bin', 'rb').read()
state = {n[6:]: (e['shape'], b[e['offset']:e['offset'] + 4 * e['length']]) for n, e in h['tensors'].items() if n.startswith('state/')}
meta = {k: h['meta'][k] for k in ('generator_cfg_resolved', 'G_constructor_kwargs', 'mapping_kwargs')}
meta['source'] = 'network-snapshot-000000.pkl'
write_export(out, state, meta)
`;

/** Expects a FileProblemError naming `file` with a message matching `re`. */
function expectProblem(fn: () => unknown, file: string, re: RegExp) {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'should throw').toBeInstanceOf(FileProblemError);
  expect((err as FileProblemError).file).toBe(file);
  expect((err as Error).message).toMatch(re);
}

describe('official exports → viewer weights', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('tools/export_official.py writes a container the importer reads back bit for bit', () => {
    const stem = join(tmp, 'exported');
    python(REWRITE, vectorsJson().slice(0, -5), stem);
    const head = JSON.parse(readFileSync(stem + '.json', 'utf8'));
    expect(head.exporter).toBe('epigraf-official-export');
    expect(findOfficialExport(['exported.json', 'exported.bin'])).toEqual({ json: 'exported.json', bin: 'exported.bin' });
    const imp = importOfficial(readFileSync(stem + '.json', 'utf8'), new Uint8Array(readFileSync(stem + '.bin')), { json: 'exported.json', bin: 'exported.bin' }, { rayStepMultiplier: 1 });
    expect({ ...imp.config, name: v.config.name }).toEqual(v.config);
    expect(imp.config.name).toBe('official-food_32');
    expect(imp.meta.description).toMatch(/network-snapshot-000000\.pkl/);
    const want = fromOfficialState(v.config, v.state());
    expect([...imp.arrays.keys()]).toEqual([...want.keys()]);
    for (const [name, a] of want) expect(Array.from(imp.arrays.get(name)!), name).toEqual(Array.from(a));
  });

  it('constant buffers are checked against what this project computes: Fourier coefficients, resample filters', () => {
    const state = v.state();
    const filters = [...state.keys()].filter((k) => k.endsWith('.resample_filter'));
    expect(filters.length).toBeGreaterThan(0);
    expect(() => fromOfficialState(v.config, state)).not.toThrow(); // the official run's own buffers pass
    const box = { shape: [4, 4], data: new Float32Array(16).fill(1 / 16) }; // a box filter: another model
    expect(() => fromOfficialState(v.config, new Map(state).set(filters[0], box))).toThrow(new RegExp(`^${filters[0].replaceAll('.', '\\.')}: not the \\[1, 3, 3, 1\\] resample filter`));
    const coefs = [...state.keys()].find((k) => k.endsWith('fourier_coefs'))!;
    const t = state.get(coefs)!;
    const shifted = { shape: t.shape, data: t.data.map((x) => x * 2) };
    expect(() => fromOfficialState(v.config, new Map(state).set(coefs, shifted))).toThrow(/Fourier coefficients do not match/);
  });

  it('the exporter’s config reader turns a snapshot’s G_ema attributes into the meta the importer expects', () => {
    const out = python(`
import json, sys, types
sys.path.insert(0, sys.argv[1])
from export_official import generator_meta
h = json.load(open(sys.argv[2]))['meta']
cfg = dict(h['generator_cfg_resolved'])
G = types.SimpleNamespace(cfg=cfg, z_dim=512, w_dim=512, c_dim=0, img_resolution=32, init_kwargs=dict(channel_base=2048, channel_max=64), mapping=types.SimpleNamespace(num_layers=2))
print(json.dumps(generator_meta(G, '/runs/x/network-snapshot-001000.pkl')))
`, vectorsJson());
    const meta = JSON.parse(out);
    expect(meta.source).toBe('network-snapshot-001000.pkl');
    expect(meta.G_constructor_kwargs).toEqual({ z_dim: 512, w_dim: 512, c_dim: 0, img_resolution: 32, channel_base: 2048, channel_max: 64 });
    const j = vJson();
    j.meta = meta;
    const imp = importOfficial(JSON.stringify(j), vBin(), FILES, { rayStepMultiplier: 1 });
    expect({ ...imp.config, name: v.config.name }).toEqual(v.config);
  });

  it('npm run import-official: float16 and float32 viewer weights; inference sample counts by default', async () => {
    const out16 = join(tmp, 'w16');
    const s = await importOfficialFiles(parseImportArgs([vectorsJson(), out16]));
    expect(s).toMatchObject({ dtype: 'float16', cDim: 0, background: true, samples: { coarse: 96, fine: 96 } });
    const w16 = await loadWeights(dirSource(out16));
    expect(w16.dtype).toBe('float16');
    expect(w16.config.background.steps).toBe(16);
    const out32 = join(tmp, 'w32');
    await importOfficialFiles(parseImportArgs([vectorsJson(), out32, '--dtype', 'float32', '--ray-step-multiplier', '1', '--name', 'vectors']));
    const w32 = await loadWeights(dirSource(out32));
    expect(w32.config).toEqual({ ...v.config, name: 'vectors' });
    const want = fromOfficialState(v.config, v.state());
    for (const [name, a] of want) {
      expect(Array.from(w32.arrays.get(name)!), name).toEqual(Array.from(a));
      const { diff, scale } = maxAbsDiff(w16.arrays.get(name)!, a);
      expect(diff, name).toBeLessThanOrEqual(1e-3 * Math.max(1, scale));
    }
    expect(() => parseImportArgs([vectorsJson()])).toThrow(/usage/);
    expect(() => parseImportArgs([vectorsJson(), 'x', '--dtype', 'int8'])).toThrow(/--dtype/);
    await expect(importOfficialFiles(parseImportArgs([join(tmp, 'nope.json'), 'x']))).rejects.toThrow(/nope\.json: cannot be read/);
  });

  it('dropped on the viewer: NAME.json + NAME.bin, or a zip of them, load as a model', async () => {
    const json = readFileSync(vectorsJson());
    const bin = readFileSync(vectorsBin());
    for (const files of [
      [new File([bin], 'epigraf-small.bin'), new File([json], 'epigraf-small.json')],
      [new File([zipSync({ 'export/epigraf-small.json': new Uint8Array(json), 'export/epigraf-small.bin': new Uint8Array(bin) })], 'export.zip')],
    ]) {
      const w = await loadWeights(await sourceFromFiles(files));
      expect(w.config.name).toBe('official-food_32');
      expect(w.config.samples).toEqual({ coarse: 96, fine: 96 });
      expect(w.arrays.get('mapping.w_avg')).toEqual(v.state().get('mapping.w_avg')!.data);
    }
    const j = vJson();
    delete j.tensors['state/mapping.w_avg'];
    await expect(sourceFromFiles([new File([JSON.stringify(j)], 'bad.json'), new File([bin], 'bad.bin')])).rejects.toThrow(/^bad\.json: missing tensor "mapping\.w_avg"/);
    await expect(sourceFromFiles([new File([json], 'epigraf-small.json')])).rejects.toThrow(/^epigraf-small\.json: is not model\.json, and no epigraf-small\.bin came with it/);
    // Two models in one zip: which one would load depends on the zip's order, so neither does.
    const two = zipSync({ 'v1/epigraf-small.json': new Uint8Array(json), 'v1/epigraf-small.bin': new Uint8Array(bin), 'v2/epigraf-small.json': new Uint8Array(json), '__MACOSX/v1/._x': new Uint8Array(1) });
    await expect(sourceFromFiles([new File([two], 'two.zip')])).rejects.toThrow(/^two\.zip: holds both "v1\/epigraf-small\.json" and "v2\/epigraf-small\.json"/);
  });

  it('clear errors that name the file: malformed, truncated, missing / unexpected tensors, wrong shapes, NaN, unsupported options', () => {
    const bin = vBin();
    const imp = (j: unknown, b = bin) => importOfficial(typeof j === 'string' ? j : JSON.stringify(j), b, FILES);
    expectProblem(() => imp('{'), FILES.json, /invalid JSON/);
    expectProblem(() => imp({ format: 'epigraf-web', formatVersion: 1 }), FILES.json, /viewer weights/);
    expectProblem(() => imp({ tensors: {} }), FILES.json, /generator_cfg_resolved/);
    expectProblem(() => imp({ ...vJson(), exporter: 'x' }), FILES.json, /not an official EpiGRAF export/);
    expectProblem(() => imp({ ...vJson(), exporter: 'epigraf-official-export', exporterVersion: 9 }), FILES.json, /unsupported export version 9/);
    expectProblem(() => imp(vJson(), bin.subarray(0, bin.length - 100)), FILES.bin, /truncated/);
    const j = vJson();
    j.tensors = Object.fromEntries(Object.entries(j.tensors).filter(([n]) => !n.startsWith('state/')));
    expectProblem(() => imp(j), FILES.json, /no "state\/\*" tensors/);
    const miss = vJson();
    delete miss.tensors['state/synthesis.tri_plane_mlp.model.1.weight'];
    expectProblem(() => imp(miss), FILES.json, /missing tensor "synthesis\.tri_plane_mlp\.model\.1\.weight" \[4,64\]/);
    const extra = vJson();
    extra.tensors['state/synthesis.tri_plane_mlp.model.2.weight'] = extra.tensors['state/mapping.w_avg'];
    expectProblem(() => imp(extra), FILES.json, /unexpected tensor "synthesis\.tri_plane_mlp\.model\.2\.weight"/);
    const shape = vJson();
    const e = shape.tensors['state/synthesis.tri_plane_mlp.model.1.weight'];
    e.shape = [64, 4];
    expectProblem(() => imp(shape), FILES.json, /"synthesis\.tri_plane_mlp\.model\.1\.weight" has shape \[64,4\], expected \[4,64\]/);
    const badLen = vJson();
    badLen.tensors['state/mapping.w_avg'].length = 3;
    expectProblem(() => imp(badLen), FILES.json, /holds 512 values but length is 3/);
    const nan = bin.slice();
    new DataView(nan.buffer).setFloat32(vJson().tensors['state/mapping.w_avg'].offset + 8, NaN, true);
    expectProblem(() => imp(vJson(), nan), FILES.bin, /"mapping\.w_avg" holds NaN at index 2/);
    const unsupported: [string, (g: any) => void, RegExp][] = [
      ['GPC', (g) => (g.camera_cond = true), /camera_cond = true/],
      ['plane background', (g) => (g.bg_model.type = 'plane'), /bg_model\.type "plane"/],
      ['view conditioning', (g) => (g.tri_plane.has_view_cond = true), /has_view_cond/],
      ['backbone', (g) => (g.backbone = 'stylegan3-r'), /backbone "stylegan3-r"/],
      ['clamp mode', (g) => (g.clamp_mode = 'relu'), /clamp_mode "relu"/],
      ['factorised modulation', (g) => (g.bg_model.fmm.enabled = true), /fmm/],
      ['no dataset section', (g) => delete g.dataset, /dataset section is missing/],
      // counts that size arrays or multiply: whole numbers within bounds, else named (never a RangeError or a hang)
      ['huge INR', (g) => (g.bg_model.num_blocks = 1e10), /bg_model\.num_blocks = 10000000000 \(must be a whole number from 1 to 64\)/],
      ['huge MLP', (g) => (g.tri_plane.mlp.n_layers = 1e10), /tri_plane\.mlp\.n_layers = 10000000000/],
      ['fractional ray steps', (g) => (g.num_ray_steps = 48.5), /num_ray_steps = 48\.5/],
      ['ray steps as a string', (g) => (g.num_ray_steps = '48'), /num_ray_steps = "48"/],
      ['fractional background steps', (g) => (g.bg_model.num_steps = 8.5), /bg_model\.num_steps = 8\.5/],
    ];
    for (const [what, edit, re] of unsupported) {
      const u = vJson();
      edit(u.meta.generator_cfg_resolved);
      expectProblem(() => imp(u), FILES.json, re);
      expect(() => imp(u), what).toThrow(OfficialExportError);
    }
    const invalid = vJson();
    invalid.meta.generator_cfg_resolved.dataset.camera.ray_end = 0.5;
    expectProblem(() => imp(invalid), FILES.json, /camera\.far must be greater than camera\.near/);
    // No background model (the official default): imported without one, its tensors then unexpected.
    const nobg = vJson();
    nobg.meta.generator_cfg_resolved.bg_model = { type: null, num_steps: 16 };
    expectProblem(() => imp(nobg), FILES.json, /unexpected tensor "synthesis\.bg_model\./);
  });

  it('conditional models: the class embedding imports; truncation goes towards the per-class mean w', async () => {
    const cfg: ModelConfig = { ...preset('tiny'), cDim: 3, name: 'cond' };
    const arrays = initParamArrays(cfg, 3, { perturb: 0.1 });
    const ex = exportOf(cfg, arrays);
    const imp = importOfficial(ex.json, ex.bin, { json: 'c.json', bin: 'c.bin' }, { rayStepMultiplier: 1, name: 'cond' });
    expect(imp.config.cDim).toBe(3);
    expect(Array.from(imp.arrays.get('mapping.embed.weight')!)).toEqual(Array.from(arrays.get('mapping.embed.weight')!));
    const g = Generator.fromArrays(imp.config, imp.arrays);
    try {
      // Mapping inside a caller's tidy (as the viewer's engine does) leaves the cached class means alive.
      tf.dispose(tf.tidy(() => g.mapping(g.latents([1]), [2], { psi: 0.7 })));
      expect(g.classMean(2).isDisposed).toBe(false);
      // The class mean: mean of the un-truncated mapping over z = RandomState(0).randn(256, zDim) with that label.
      const z = tf.tensor2d(zFromSeed(0, 256 * cfg.zDim), [256, cfg.zDim]);
      const manual = tf.mean(mappingW(cfg, g.params, z, oneHot(cfg, Array(256).fill(2))), 0);
      expect(maxAbsDiff(await g.classMean(2).data(), await manual.data()).diff).toBeLessThanOrEqual(1e-6);
      const zs = g.latents([7, 8]);
      const labels = [2, 0];
      const ws = g.mapping(zs, labels, { psi: 0.5 });
      const w = mappingW(cfg, g.params, zs, oneHot(cfg, labels));
      const want = truncate(w, tf.stack([g.classMean(2), g.classMean(0)]), 0.5);
      const got = tf.squeeze(tf.slice(ws, [0, 0, 0], [2, 1, cfg.wDim]), [1]);
      expect(maxAbsDiff(await got.data(), await want.data()).diff).toBeLessThanOrEqual(1e-5);
      const towardsWAvg = truncate(w, param(g.params, 'mapping.w_avg'), 0.5);
      expect(maxAbsDiff(await got.data(), await towardsWAvg.data()).diff).toBeGreaterThan(1e-3);
      // ψ = 1 is untouched; an unconditional call still uses w_avg.
      const untrunc = tf.squeeze(tf.slice(g.mapping(zs, labels, { psi: 1 }), [0, 0, 0], [2, 1, cfg.wDim]), [1]);
      expect(maxAbsDiff(await untrunc.data(), await w.data()).diff).toBeLessThanOrEqual(1e-6);
      expect(() => g.classMean(3)).toThrow(/out of range/);
    } finally {
      g.dispose();
    }
  });

  it('.npy: NumPy’s exact layout out, float32/float64 in, clear errors', () => {
    const a = writeNpy(new Float32Array([1.5, -2, 3]), [3]);
    expect(a.length).toBe(140); // what np.save writes for float32 [3]
    expect(new TextDecoder('latin1').decode(a.subarray(0, 128))).toBe(
      "\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }" + ' '.repeat(60) + '\n',
    );
    const b = writeNpy(new Float32Array(24).map((_, i) => i), [2, 3, 4]);
    expect(b.length).toBe(224);
    expect(readNpy(b)).toEqual({ shape: [2, 3, 4], data: new Float32Array(24).map((_, i) => i) });
    // float64 and big-endian float32, as np.save writes them (header built by hand: same layout)
    const mk = (descr: string, vals: number[], size: number, little: boolean) => {
      const base = writeNpy(new Float32Array(vals.length), [vals.length]);
      const hlen = new DataView(base.buffer).getUint16(8, true);
      const header = new TextDecoder('latin1').decode(base.subarray(10, 10 + hlen)).replace("'<f4'", `'${descr}'`);
      const out = new Uint8Array(10 + hlen + size * vals.length);
      out.set(base.subarray(0, 10));
      for (let i = 0; i < hlen; i++) out[10 + i] = header.charCodeAt(i);
      const dv = new DataView(out.buffer);
      vals.forEach((x, i) => (size === 8 ? dv.setFloat64(10 + hlen + 8 * i, x, little) : dv.setFloat32(10 + hlen + 4 * i, x, little)));
      return out;
    };
    expect(Array.from(readNpy(mk('<f8', [0.25, -1], 8, true)).data)).toEqual([0.25, -1]);
    expect(Array.from(readNpy(mk('>f4', [0.5, 7], 4, false)).data)).toEqual([0.5, 7]);
    expect(() => readNpy(mk('<i4', [1], 4, true))).toThrow(/dtype <i4 is not supported/);
    expect(() => readNpy(new Uint8Array([1, 2, 3]))).toThrow(NpyError);
    expect(() => readNpy(a.subarray(0, 135))).toThrow(/truncated data/);
    // A NaN latent, or a float64 beyond float32's range, would render NaN or Inf without a word.
    expect(() => readNpy(mk('<f4', [1, NaN, 2], 4, true))).toThrow(/^value 1 is NaN: not a finite float32$/);
    expect(() => readNpy(mk('<f8', [0, 1e300], 8, true))).toThrow(/^value 1 is 1e\+300: not a finite float32$/);
    const v2 = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 0, 0]);
    expect(() => readNpy(v2)).toThrow(/^truncated header$/);
    const fortran = a.slice();
    fortran.set(new TextEncoder().encode('True '), new TextDecoder('latin1').decode(a).indexOf('False'));
    expect(() => readNpy(fortran)).toThrow(/Fortran/);
  });

  it('npm run render: the imported official generator reproduces the official deterministic image (.npy raw, .png display), z from a .npy', async () => {
    const weights = join(tmp, 'w32'); // written by the import-official test above (48 + 48 samples)
    const k = 1;
    const ang = v.get('io/camera_angles').data;
    const ref = v.get(`io/img_det_cam${k}`); // [2, 3, 32, 32], seeds 0 and 1
    const refSeed1 = ref.data.subarray(3 * 32 * 32);
    const base = ['--weights', weights, '--yaw', String(ang[3 * k]), '--pitch', String(ang[3 * k + 1]), '--res', '32', '--psi', '1', '--deterministic', '--bg-steps', '8'];
    const npyOut = join(tmp, 'seed1.npy');
    await renderToFile(parseRenderArgs([...base, '--seed', '1', '--out', npyOut]));
    const img = readNpy(new Uint8Array(readFileSync(npyOut)));
    expect(img.shape).toEqual([3, 32, 32]);
    const { diff } = maxAbsDiff(img.data, refSeed1);
    console.log(`npm run render vs io/img_det_cam${k} (seed 1): max |Δ| ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-3);
    // --z FILE.npy holding np.random.RandomState(1).randn(512) gives the same picture
    const zFile = join(tmp, 'z1.npy');
    writeFileSync(zFile, writeNpy(zFromSeed(1, 512), [512]));
    const pngOut = join(tmp, 'z1.png');
    const viaZ = await renderToFile(parseRenderArgs([...base, '--z', zFile, '--out', pngOut]));
    expect(maxAbsDiff(viaZ, img.data).diff).toBeLessThanOrEqual(1e-6);
    const png = decodePng(new Uint8Array(readFileSync(pngOut)));
    expect([png.width, png.height]).toEqual([32, 32]);
    const px = 5 * 32 + 9;
    for (let c = 0; c < 3; c++) expect(png.rgba[4 * px + c]).toBe(Math.round((Math.min(1, Math.max(-1, img.data[c * 1024 + px])) * 0.5 + 0.5) * 255));
    expect(() => parseRenderArgs(['--weights', weights, '--yaw', '0', '--pitch', '1', '--res', '8', '--out', 'x.png'])).toThrow(/exactly one of --seed/);
    expect(() => parseRenderArgs([...base, '--seed', '1', '--out', 'x.jpg'])).toThrow(/\.png or \.npy/);
    await expect(renderToFile(parseRenderArgs([...base, '--seed', '1', '--class', '2', '--out', join(tmp, 'c.npy')]))).rejects.toThrow(/unconditional/);
    writeFileSync(join(tmp, 'short.npy'), writeNpy(new Float32Array(10), [10]));
    await expect(renderToFile(parseRenderArgs([...base, '--z', join(tmp, 'short.npy'), '--out', join(tmp, 'c.npy')]))).rejects.toThrow(/short\.npy: holds 10 values/);
  });
});
