/** `--name value` readers shared by the command-line scripts. */
export function cliArgs(argv: string[]) {
  const get = (k: string, d: string) => {
    const i = argv.indexOf(`--${k}`);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : d;
  };
  const num = (k: string, d: number) => {
    const v = Number(get(k, String(d)));
    if (!Number.isFinite(v)) throw new Error(`--${k} must be a number`);
    return v;
  };
  return { get, num };
}

/**
 * `--lanes a,b` of the renderer scripts: the ray-march lane counts to run each case with, or [undefined] (the
 * renderer's own choice) when absent. marchTile refuses counts that are not powers of two ≤ 64 by name.
 */
export function laneCounts(argv: string[]): (number | undefined)[] {
  const spec = cliArgs(argv).get('lanes', '');
  if (!spec) return [undefined];
  const lanes = spec.split(',').map(Number);
  if (!lanes.every((l) => Number.isInteger(l) && l >= 1)) throw new Error(`--lanes takes integers ≥ 1 separated by commas (got "${spec}")`);
  return lanes;
}
