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
