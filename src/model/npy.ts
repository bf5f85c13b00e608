/**
 * A tiny NumPy `.npy` (format 1.0–3.0) reader and writer for float arrays: latents in (`--z`), raw images out.
 * Reads little-/big-endian float32 and float64 (converted to float32), C order only.
 */

export class NpyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NpyError';
  }
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

export function readNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) throw new NpyError('not a .npy file (bad magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new NpyError('truncated header');
    headerLen = view.getUint32(8, true);
    start = 12;
  } else throw new NpyError(`unsupported .npy version ${major}.${bytes[7]}`);
  if (start + headerLen > bytes.length) throw new NpyError('truncated header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new NpyError(`malformed header ${JSON.stringify(header.trim())}`);
  if (fortran === 'True') throw new NpyError('Fortran-order arrays are not supported (save with np.ascontiguousarray)');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new NpyError(`bad shape (${shapeText})`);
  const m = /^([<>|=])(f)(4|8)$/.exec(descr);
  if (!m) throw new NpyError(`dtype ${descr} is not supported (float32 or float64 only)`);
  const little = m[1] !== '>';
  const size = Number(m[3]);
  const n = shape.reduce((a, b) => a * b, 1);
  const off = start + headerLen;
  if (bytes.length - off < n * size) throw new NpyError(`truncated data: ${bytes.length - off} bytes for ${n} values of ${size} bytes`);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = size === 4 ? view.getFloat32(off + 4 * i, little) : view.getFloat64(off + 8 * i, little);
  // A NaN latent renders a NaN picture without a word: refused, as are float64 values float32 cannot hold.
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new NpyError(`value ${bad} is ${size === 4 ? data[bad] : view.getFloat64(off + 8 * bad, little)}: not a finite float32`);
  return { shape, data };
}

/** NumPy's own layout (version 1.0, '<f4', header padded with spaces to a multiple of 64 bytes, ending in '\n'). */
export function writeNpy(data: Float32Array, shape: number[]): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new NpyError(`shape [${shape}] holds ${n} values, data has ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + 4 * n);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const off = 10 + header.length;
  for (let i = 0; i < n; i++) view.setFloat32(off + 4 * i, data[i], true);
  return out;
}
