import { FileProblemError } from '../model/fileError';

/** The one error type dataset import throws for bad input (file relative to the dataset root). */
export class DatasetError extends FileProblemError {}
