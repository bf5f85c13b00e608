/** `?model=NAME` picks a model bundled under public/weights/NAME/; anything else falls back to the default. */
export const DEFAULT_MODEL = 'placeholder';
const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function bundledModelFromUrl(search: string): string {
  const name = new URLSearchParams(search).get('model');
  if (name === null) return DEFAULT_MODEL;
  if (!NAME.test(name)) throw new Error(`URL parameter model=${JSON.stringify(name)} is not a bundled model name (letters, digits, - and _)`);
  return name;
}
