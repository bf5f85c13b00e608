/**
 * The command-line name of a procedural dataset, shared by `npm run train` and `npm run eval`:
 * `procedural[:FAMILY][:OBJECTS:VIEWS][:env|white]` — e.g. `procedural`, `procedural:plant`, `procedural:96:16:env`.
 */
import { FAMILIES, type Family } from './families';

export interface ProceduralSpec {
  /** One family only; all three when absent. */
  family?: Family;
  objects: number;
  views: number;
  /** When the name gives one; otherwise the tool's own default or flag. */
  background?: 'env' | 'white';
}

export const PROCEDURAL_SPEC = `procedural[:${FAMILIES.join('|')}][:OBJECTS:VIEWS][:env|white]`;

/** The spec a dataset name stands for, or null when the name is not a procedural dataset (a folder or a zip). */
export function parseProceduralSpec(name: string, defaults = { objects: 32, views: 32 }): ProceduralSpec | null {
  const parts = name.split(':');
  if (parts[0] !== 'procedural') return null;
  parts.shift();
  const bad = () => new Error(`--dataset ${name}: expected ${PROCEDURAL_SPEC}`);
  const spec: ProceduralSpec = { ...defaults };
  if ((FAMILIES as readonly string[]).includes(parts[0])) spec.family = parts.shift() as Family;
  const last = parts[parts.length - 1];
  if (last === 'env' || last === 'white') {
    spec.background = last;
    parts.pop();
  }
  if (parts.length === 2) {
    [spec.objects, spec.views] = parts.map(Number);
    if (!(Number.isInteger(spec.objects) && spec.objects > 0 && Number.isInteger(spec.views) && spec.views > 0)) throw bad();
  } else if (parts.length !== 0) throw bad();
  return spec;
}
