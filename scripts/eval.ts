/**
 * `npm run eval -- --weights DIR --dataset procedural[:plant|mushroom|fruit][:OBJECTS:VIEWS][:env|white] | DIR | ZIP [options]`:
 * an FID-style score of a generator against a dataset, on tfjs-wasm, one JSON line on stdout (progress on stderr).
 *
 *   --n N (2000)            generated images, and real images (without replacement; fewer if the dataset is smaller)
 *   --res R                 render side (default: the dataset's; procedural datasets are built at --res, default 64)
 *   --features mobilenet_v2|inception_v3 (mobilenet_v2)
 *   --batch B (32)          images per render / feature batch
 *   --seed S (0)            z of image i is seed S + i (NumPy-equal seed → z); cameras drawn from the dataset's poses
 *   --real-vs-real          also the distance between two disjoint real sets of the same size (the floor)
 *   --untrained             also the same config with freshly initialised weights (init seed 1): the ceiling
 *   --consistency           also multi-view consistency (src/eval/consistency.ts): --latents L (4) latents × 8 cameras
 *
 * The score is the Fréchet distance between Gaussian fits of pooled penultimate features of nsfwjs's bundled
 * MobileNetV2 (or InceptionV3): FID-style, comparable only with scores from the same feature network and the
 * same n — not the standard Inception FID.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../tests/helpers/backend';
import { loadWeights } from '../src/model/weights';
import { dirSource } from '../src/model/weightsNode';
import { Generator } from '../src/model/generator';
import { MT19937 } from '../src/model/prng';
import { proceduralDataset } from '../src/data/inMemory';
import { parseProceduralSpec } from '../src/data/procedural/spec';
import { importDataset, filesFromZip, type EpigrafDataset } from '../src/data/importDataset';
import { filesFromDir } from '../src/data/datasetNode';
import { pickSamples } from '../src/data/batches';
import { loadFeatureNet } from '../src/eval/featuresNode';
import { rawToUnit, rgbaToUnit, type FeatureNet, type FeatureNetName } from '../src/eval/features';
import { fitGaussian, frechetDistance, frechetFromFeatures, sqrtPsd } from '../src/eval/frechet';
import { consistencyAngles, multiViewConsistency } from '../src/eval/consistency';
import { renderSeeds, renderViews } from '../src/eval/sampling';
import { cameraFromAngles } from '../src/render/camera';
import { cliArgs } from './cliArgs';

function parse(argv: string[]) {
  const { num, get: getOr } = cliArgs(argv);
  const get = (k: string): string | undefined => (argv.includes(`--${k}`) ? getOr(k, '') || undefined : undefined);
  const weights = get('weights');
  if (!weights) throw new Error('--weights DIR is required');
  const a = {
    weights,
    dataset: get('dataset'),
    n: num('n', 2000),
    res: get('res') === undefined ? undefined : num('res', 64),
    features: (get('features') ?? 'mobilenet_v2') as FeatureNetName,
    batch: num('batch', 32),
    seed: num('seed', 0),
    realVsReal: argv.includes('--real-vs-real'),
    untrained: argv.includes('--untrained'),
    consistency: argv.includes('--consistency'),
    latents: num('latents', 4),
  };
  if (!a.dataset && !a.consistency) throw new Error('--dataset is required (unless only --consistency is asked for)');
  return a;
}

async function loadDataset(spec: string, res: number | undefined, seed: number): Promise<EpigrafDataset> {
  const procedural = parseProceduralSpec(spec);
  if (procedural) {
    const { objects, views, family } = procedural;
    return proceduralDataset({ seed, objects, views, family, resolution: res ?? 64, background: procedural.background ?? 'env', aa: 2 }, (d) =>
      process.stderr.write(`\rdataset: object ${d}/${objects}`),
    );
  }
  const files = spec.endsWith('.zip') ? filesFromZip(new Uint8Array(readFileSync(spec)), spec) : await filesFromDir(spec);
  return importDataset(files, { label: spec });
}

const secs = (t0: number) => +((performance.now() - t0) / 1000).toFixed(1);

/** Features of n generated images (seeds seed…seed+n−1, cameras `angles`). */
async function fakeFeatures(net: FeatureNet, G: Generator, n: number, angles: Float32Array, res: number, seed: number, batch: number, label: string) {
  const t0 = performance.now();
  let renderS = 0;
  const feats = await net.featuresOf(
    n,
    (start, count) => {
      const r0 = performance.now();
      const seeds = Array.from({ length: count }, (_, i) => seed + start + i);
      const cams = seeds.map((_, i) => [angles[3 * (start + i)], angles[3 * (start + i) + 1]] as const);
      const out = renderSeeds(G, seeds, cams, res);
      const x = rawToUnit(out.rgb);
      tf.dispose([out.rgb, out.depth, out.opacity]);
      renderS += (performance.now() - r0) / 1000;
      return x;
    },
    batch,
    (done) => process.stderr.write(`\r${label}: ${done}/${n} (${secs(t0)} s, rendering ${renderS.toFixed(1)} s)   `),
  );
  process.stderr.write('\n');
  return { feats, seconds: secs(t0), renderSeconds: +renderS.toFixed(1) };
}

async function realFeatures(net: FeatureNet, ds: EpigrafDataset, idx: number[], batch: number, label: string) {
  const t0 = performance.now();
  const feats = await net.featuresOf(idx.length, (s, c) => rgbaToUnit(idx.slice(s, s + c).map((i) => ds.images[i]), ds.resolution), batch, (done) =>
    process.stderr.write(`\r${label}: ${done}/${idx.length} (${secs(t0)} s)   `),
  );
  process.stderr.write('\n');
  return { feats, seconds: secs(t0) };
}

export async function main(argv: string[]) {
  const a = parse(argv);
  const t0 = performance.now();
  await useBackend('wasm');
  const w = await loadWeights(dirSource(a.weights));
  const G = Generator.fromArrays(w.config, w.arrays);
  const result: Record<string, unknown> = { weights: a.weights, model: w.config.name };
  const timings: Record<string, number> = {};

  if (a.dataset) {
    let t = performance.now();
    const ds = await loadDataset(a.dataset, a.res, a.seed);
    process.stderr.write(`\ndataset: ${ds.images.length} images of ${ds.resolution}² (${secs(t)} s)\n`);
    timings.dataset = secs(t);
    const res = a.res ?? ds.resolution;
    if (res !== ds.resolution) process.stderr.write(`warning: rendering at ${res}² but the dataset's images are ${ds.resolution}²\n`);
    // Real sets: a seeded permutation; with --real-vs-real two disjoint sets of equal size.
    const rng = new MT19937(a.seed + 7);
    const perm = Array.from({ length: ds.images.length }, (_, i) => i);
    for (let i = perm.length - 1; i > 0; i--) {
      const j = Math.floor(rng.random() * (i + 1));
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    const nReal = Math.min(a.n, a.realVsReal ? Math.floor(ds.images.length / 2) : ds.images.length);
    if (nReal < a.n) process.stderr.write(`warning: only ${nReal} real images per set (dataset has ${ds.images.length}); scores depend on n\n`);
    t = performance.now();
    const net = await loadFeatureNet(a.features);
    timings.featureNetLoad = secs(t);
    Object.assign(result, { features: net.spec.label, dataset: a.dataset, n: a.n, nReal, res });
    const realA = await realFeatures(net, ds, perm.slice(0, nReal), a.batch * 2, 'real features');
    timings.realFeatures = realA.seconds;
    const dim = net.spec.width;
    // Sets smaller than the feature width: the exact sample-space form (an eigenproblem of size n, not dim).
    // Otherwise Gaussian fits, with the real covariance's square root computed once for every comparison.
    const sampleSpace = Math.min(nReal, a.n) <= dim;
    t = performance.now();
    const gReal = sampleSpace ? null : fitGaussian(realA.feats, nReal, dim);
    const sqrtReal = gReal ? sqrtPsd(gReal.cov, dim) : null;
    if (gReal) timings.realGaussianAndSqrt = secs(t);
    // Cameras from the dataset's pose distribution (no mirroring), the same for every generator compared.
    const prng = new MT19937(a.seed + 11);
    const angles = pickSamples(ds, a.n, () => prng.random(), { mirror: false }).cameraAngles;
    const fd = (feats: Float32Array, n: number) =>
      gReal ? frechetDistance(gReal, fitGaussian(feats, n, dim), sqrtReal!) : frechetFromFeatures(realA.feats, nReal, feats, n, dim);

    const fake = await fakeFeatures(net, G, a.n, angles, res, a.seed, a.batch, 'generated');
    Object.assign(timings, { generated: fake.seconds, generatedRender: fake.renderSeconds });
    t = performance.now();
    result.fid = +fd(fake.feats, a.n).toFixed(3);
    timings.fid = secs(t);
    process.stderr.write(`fid ${result.fid}\n`);
    if (a.realVsReal) {
      const realB = await realFeatures(net, ds, perm.slice(nReal, 2 * nReal), a.batch * 2, 'real features (second set)');
      timings.realFeaturesB = realB.seconds;
      result.realVsReal = +fd(realB.feats, nReal).toFixed(3);
      process.stderr.write(`real vs real ${result.realVsReal}\n`);
    }
    if (a.untrained) {
      const U = Generator.random(w.config, 1);
      const un = await fakeFeatures(net, U, a.n, angles, res, a.seed, a.batch, 'untrained');
      timings.untrained = un.seconds;
      result.untrained = +fd(un.feats, a.n).toFixed(3);
      process.stderr.write(`untrained ${result.untrained}\n`);
      U.dispose();
    }
    net.dispose();
  }

  if (a.consistency) {
    const t = performance.now();
    const res = a.res ?? 64;
    const angles = consistencyAngles();
    const per: { score: number | null; silhouette: number | null; coverage: number }[] = [];
    for (let l = 0; l < a.latents; l++) {
      const out = renderViews(G, a.seed + l, angles, res);
      const op = (await out.opacity.data()) as Float32Array;
      const dp = (await out.depth.data()) as Float32Array;
      tf.dispose([out.rgb, out.depth, out.opacity]);
      const hw = res * res;
      const views = angles.map(([y, p], k) => ({
        camera: cameraFor(G, y, p),
        opacity: op.subarray(k * hw, (k + 1) * hw),
        depth: dp.subarray(k * hw, (k + 1) * hw),
      }));
      const r = multiViewConsistency(views, res);
      per.push(r);
      process.stderr.write(`consistency latent ${a.seed + l}: ${JSON.stringify(r)}\n`);
    }
    const scored = per.filter((r) => r.score !== null);
    const mean = (f: (r: (typeof per)[number]) => number) => (scored.length ? +(scored.reduce((s, r) => s + f(r), 0) / scored.length).toFixed(4) : null);
    result.consistency = {
      score: mean((r) => r.score!),
      silhouette: mean((r) => r.silhouette!),
      coverage: +(per.reduce((s, r) => s + r.coverage, 0) / per.length).toFixed(4),
      latents: a.latents,
      scoredLatents: scored.length,
      views: angles.length,
      res,
    };
    timings.consistency = secs(t);
  }
  G.dispose();
  result.timings = timings;
  result.seconds = secs(t0);
  console.log(JSON.stringify(result));
}

function cameraFor(G: Generator, yaw: number, pitch: number) {
  return cameraFromAngles(yaw, pitch, G.config.camera.radius, G.config.camera.fovDeg);
}
