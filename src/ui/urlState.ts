/**
 * The shareable state in the URL: model, seeds, interpolation, ψ, class and camera. Parsing validates each
 * parameter; a bad one is reported by name and ignored, never fatal.
 */
export interface UrlState {
  model?: string;
  seed?: number;
  seedB?: number;
  interp?: number;
  psi?: number;
  label?: number;
  /** Camera orientation quaternion (x, y, z, w) and field of view. */
  q?: [number, number, number, number];
  fov?: number;
}

const MODEL = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function parseUrlState(search: string): { state: UrlState; problems: string[] } {
  const p = new URLSearchParams(search);
  const state: UrlState = {};
  const problems: string[] = [];
  const num = (name: keyof UrlState, ok: (v: number) => boolean, what: string) => {
    const raw = p.get(name);
    if (raw === null) return;
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v) || !ok(v)) problems.push(`URL parameter ${name}=${JSON.stringify(raw)} ignored: ${what}`);
    else (state as Record<string, unknown>)[name] = v;
  };
  const model = p.get('model');
  if (model !== null) {
    if (MODEL.test(model)) state.model = model;
    else problems.push(`URL parameter model=${JSON.stringify(model)} ignored: not a bundled model name (letters, digits, - and _)`);
  }
  const seedOk = (v: number) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
  num('seed', seedOk, 'must be an integer in [0, 4294967295]');
  num('seedB', seedOk, 'must be an integer in [0, 4294967295]');
  num('interp', (v) => v >= 0 && v <= 1, 'must be in [0, 1]');
  num('psi', (v) => v >= -1 && v <= 2, 'must be in [−1, 2]');
  num('label', (v) => Number.isInteger(v) && v >= 0, 'must be a non-negative integer');
  num('fov', (v) => v >= 5 && v <= 90, 'must be in [5, 90] degrees');
  const q = p.get('q');
  if (q !== null) {
    const parts = q.split(',').map(Number);
    const n = Math.hypot(...parts);
    if (parts.length === 4 && parts.every(Number.isFinite) && n > 0.5 && n < 1.5) state.q = parts.map((x) => x / n) as UrlState['q'];
    else problems.push(`URL parameter q=${JSON.stringify(q)} ignored: must be a unit quaternion "x,y,z,w"`);
  }
  return { state, problems };
}

export function formatUrlState(s: UrlState): string {
  const p = new URLSearchParams();
  if (s.model) p.set('model', s.model);
  for (const k of ['seed', 'seedB', 'interp', 'psi', 'label', 'fov'] as const) if (s[k] !== undefined) p.set(k, String(+(s[k] as number).toFixed(4)));
  if (s.q) p.set('q', s.q.map((x) => x.toFixed(5)).join(','));
  return `?${p.toString()}`;
}
