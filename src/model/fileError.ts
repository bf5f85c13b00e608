/** An input problem tied to one file: loaders throw it so the UI can name the file and say what is wrong. */
export class FileProblemError extends Error {
  constructor(
    /** The file at fault (relative path or name), or the whole input's label when no single file is. */
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = new.target.name;
  }
}
