/**
 * The procedural Megascans-protocol dataset: objects from three families, scaled into [−1, 1]³, filtered as
 * the seed's protocol does, each rendered from cameras uniform over the whole sphere. Pure TypeScript (no
 * Node APIs): the CLI writes files with it and the in-tab trainer draws samples from it on the fly.
 *
 * Scene scale: an object's bounding box is rescaled to [−1, 1]³ and placed in the world at ±OBJECT_SCALE, so
 * that with the small presets' camera (radius 1, fov 30°, near 0.75, far 1.25, cube scale 0.475) every view
 * shows the whole object inside the tri-plane box and between the near and far planes.
 */
import { preset } from '../../model/config';
import { MT19937 } from '../../model/prng';
import { buildObject, FAMILIES, type Family } from './families';
import { composite, renderView, type RenderSettings, type Sky } from './render';
import { Scene, type Part, type Vec3 } from './sdf';

export const OBJECT_SCALE = 0.2;
/** Protocol filters: minimum product of the normalised bounding-box sides, minimum mean alpha coverage. */
export const MIN_BBOX_PRODUCT = 2;
export const MIN_COVERAGE = 0.03;

export type Background = 'white' | 'env';

export interface DatasetOptions {
  seed: number;
  views: number;
  resolution: number;
  background: Background;
  /** Supersampling per axis. */
  aa?: number;
  /** Only objects of this family (default: each object's family is drawn at random). */
  family?: Family;
}

export interface ObjectSample {
  family: Family;
  label: number;
  /** Seed of the accepted attempt (for reproducing one object). */
  objectSeed: number;
  views: { yaw: number; pitch: number; rgba: Uint8Array; coverage: number }[];
  /** Normalised bounding-box sides (each ≤ 2). */
  bboxSides: Vec3;
  /** Rejected attempts before this object, with reasons. */
  rejected: string[];
}

/** Camera settings of the renderer: the small presets' camera. */
export function renderSettings(resolution: number, aa = 2): RenderSettings {
  const cam = preset('tiny').camera;
  return { resolution, aa, radius: cam.radius, fovDeg: cam.fovDeg, tNear: cam.near - 0.05, tFar: cam.far + 0.05 };
}

/** Bounding box of the solid (distance < 0) over a grid; null when nothing is solid. */
export function solidBounds(scene: Pick<Scene, 'distance'>, extent = 2.6, n = 52): { min: Vec3; max: Vec3 } | null {
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  const h = (2 * extent) / (n - 1);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let k = 0; k < n; k++) {
        const x = -extent + i * h;
        const y = -extent + j * h;
        const z = -extent + k * h;
        if (scene.distance(x, y, z) < 0) {
          min[0] = Math.min(min[0], x - h / 2);
          min[1] = Math.min(min[1], y - h / 2);
          min[2] = Math.min(min[2], z - h / 2);
          max[0] = Math.max(max[0], x + h / 2);
          max[1] = Math.max(max[1], y + h / 2);
          max[2] = Math.max(max[2], z + h / 2);
        }
      }
  return Number.isFinite(min[0]) ? { min, max } : null;
}

/** Protocol filter on the normalised bounding box (each side ≤ 2). */
export function bboxProductOk(sides: Vec3): boolean {
  return sides[0] * sides[1] * sides[2] >= MIN_BBOX_PRODUCT;
}

/** Protocol filter on the mean alpha coverage over an object's views. */
export function coverageOk(coverages: number[]): boolean {
  return coverages.reduce((a, b) => a + b, 0) / coverages.length >= MIN_COVERAGE;
}

/** Places raw parts in the world: box centre → origin, longest side → 2·OBJECT_SCALE. */
function normalise(parts: Part[], b: { min: Vec3; max: Vec3 }): { scene: Scene; sides: Vec3 } {
  const c: Vec3 = [0, 1, 2].map((k) => (b.min[k] + b.max[k]) / 2) as Vec3;
  const dims: Vec3 = [0, 1, 2].map((k) => b.max[k] - b.min[k]) as Vec3;
  const s = 2 / Math.max(...dims);
  const k = OBJECT_SCALE * s; // world units per raw unit
  const world: Part[] = parts.map((p) => ({
    sdf: (x, y, z) => k * p.sdf(x / k + c[0], y / k + c[1], z / k + c[2]),
    color: (x, y, z) => p.color(x / k + c[0], y / k + c[1], z / k + c[2]),
    bound: [(p.bound[0] - c[0]) * k, (p.bound[1] - c[1]) * k, (p.bound[2] - c[2]) * k, p.bound[3] * k],
  }));
  return { scene: new Scene(world), sides: dims.map((d) => d * s) as Vec3 };
}

/** Cameras uniform on the sphere, as the official `spherical_uniform` sampler: yaw ~ U(−π, π), pitch = acos(1 − 2v). */
export function sphericalUniform(rng: () => number): { yaw: number; pitch: number } {
  const yaw = (rng() - 0.5) * 2 * Math.PI;
  const v = Math.min(Math.max(rng(), 1e-5), 1 - 1e-5);
  return { yaw, pitch: Math.acos(1 - 2 * v) };
}

export function randomSky(rng: () => number): Sky {
  const dusk = rng() < 0.3;
  const zenith: Vec3 = dusk ? [0.2 + rng() * 0.2, 0.15 + rng() * 0.15, 0.35 + rng() * 0.2] : [0.15 + rng() * 0.2, 0.35 + rng() * 0.25, 0.7 + rng() * 0.25];
  const horizon: Vec3 = dusk ? [0.95, 0.55 + rng() * 0.2, 0.35 + rng() * 0.2] : [0.75 + rng() * 0.2, 0.82 + rng() * 0.15, 0.9 + rng() * 0.1];
  const ground: Vec3 = [0.25 + rng() * 0.2, 0.22 + rng() * 0.15, 0.15 + rng() * 0.1];
  const el = 0.1 + rng() * 1.2;
  const az = rng() * Math.PI * 2;
  return { zenith, horizon, ground, sunDir: [Math.cos(el) * Math.cos(az), Math.sin(el), Math.cos(el) * Math.sin(az)], sunColor: [1, 0.9, 0.7], clouds: rng() * 0.7 };
}

/** Object `index` of the dataset with this seed: deterministic, independent of other objects. */
export function generateObject(index: number, o: DatasetOptions): ObjectSample {
  const settings = renderSettings(o.resolution, o.aa ?? 2);
  const rejected: string[] = [];
  for (let attempt = 0; attempt < 50; attempt++) {
    const mt = new MT19937(((o.seed * 1000003) ^ (index * 7919 + attempt * 104729)) >>> 0);
    const rng = () => mt.random();
    const drawn = Math.floor(rng() * FAMILIES.length);
    const label = o.family ? FAMILIES.indexOf(o.family) : drawn;
    const family = FAMILIES[label];
    const objectSeed = mt.nextUint32();
    const raw = new Scene(buildObject(family, objectSeed));
    const b = solidBounds(raw);
    if (!b) {
      rejected.push(`attempt ${attempt}: empty`);
      continue;
    }
    const { scene, sides } = normalise(raw.parts, b);
    if (!bboxProductOk(sides)) {
      rejected.push(`attempt ${attempt}: bounding-box product ${(sides[0] * sides[1] * sides[2]).toFixed(2)} < ${MIN_BBOX_PRODUCT}`);
      continue;
    }
    // The sky has its own stream, so both background variants share objects and cameras.
    const skyRng = new MT19937((objectSeed ^ 0x5bd1e995) >>> 0);
    const sky = o.background === 'env' ? randomSky(() => skyRng.random()) : 'white';
    const views = [];
    for (let v = 0; v < o.views; v++) {
      const { yaw, pitch } = sphericalUniform(rng);
      const premul = renderView(scene, yaw, pitch, settings);
      let a = 0;
      for (let i = 3; i < premul.length; i += 4) a += premul[i];
      const cov = a / (o.resolution * o.resolution);
      views.push({ yaw, pitch, rgba: composite(premul, sky, { yaw, pitch, s: settings }), coverage: cov });
    }
    const coverages = views.map((v) => v.coverage);
    if (!coverageOk(coverages)) {
      rejected.push(`attempt ${attempt}: mean alpha coverage below ${MIN_COVERAGE}`);
      continue;
    }
    return { family, label, objectSeed, views, bboxSides: sides, rejected };
  }
  throw new Error(`object ${index}: no attempt passed the filters (${rejected.slice(-3).join('; ')})`);
}
