/** The one error type dataset import throws for bad input, so the UI can show `file` and `problem` apart. */
export class DatasetError extends Error {
  constructor(
    /** Path relative to the dataset root (or the dataset's own label when the problem is not about one file). */
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'DatasetError';
  }
}
