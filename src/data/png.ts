/**
 * Minimal PNG codec (fflate for zlib only), so datasets load the same way in the browser, in workers and in
 * Node: no canvas, no createImageBitmap, no colour management or premultiplication getting in the way of
 * exact pixel values.
 *
 * Decodes non-interlaced greyscale, grey+alpha, RGB, RGBA and palette images at 8 bits (and the 1/2/4-bit
 * packings of greyscale and palette that PNG optimisers like to produce), with tRNS transparency.
 */
import { unzlibSync, zlibSync } from 'fflate';

export interface DecodedPng {
  width: number;
  height: number;
  /** Row-major, 4 bytes a pixel, not premultiplied. */
  rgba: Uint8Array;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
/** Refuse images whose RGBA buffer would not fit a typed array comfortably. */
const MAX_PIXELS = 1 << 28;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const COLOUR_NAMES: Record<number, string> = { 0: 'greyscale', 2: 'RGB', 3: 'palette', 4: 'grey+alpha', 6: 'RGBA' };

interface Header {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
}

function readHeader(d: Uint8Array, dv: DataView): Header {
  if (d.length !== 13) throw new Error(`PNG: IHDR has ${d.length} bytes, expected 13`);
  const h = { width: dv.getUint32(0), height: dv.getUint32(4), bitDepth: d[8], colourType: d[9] };
  const [compression, filter, interlace] = [d[10], d[11], d[12]];
  const channels = CHANNELS[h.colourType];
  if (channels === undefined) throw new Error(`PNG: invalid colour type ${h.colourType}`);
  const name = COLOUR_NAMES[h.colourType];
  if (h.bitDepth === 16) throw new Error(`PNG: 16-bit ${name} images are not supported (convert to 8 bits a channel)`);
  const subByteOk = h.colourType === 0 || h.colourType === 3;
  if (!(h.bitDepth === 8 || (subByteOk && (h.bitDepth === 1 || h.bitDepth === 2 || h.bitDepth === 4)))) {
    throw new Error(`PNG: invalid bit depth ${h.bitDepth} for a ${name} image`);
  }
  if (compression !== 0 || filter !== 0) throw new Error('PNG: unknown compression or filter method');
  if (interlace !== 0) throw new Error('PNG: interlaced (Adam7) images are not supported (save without interlacing)');
  if (h.width === 0 || h.height === 0) throw new Error(`PNG: empty image (${h.width}×${h.height})`);
  if (h.width * h.height > MAX_PIXELS) throw new Error(`PNG: image too large (${h.width}×${h.height})`);
  return h;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Undoes the per-row filters in place; returns the filter-byte-free scanlines. */
function unfilter(raw: Uint8Array, height: number, stride: number, bpp: number): Uint8Array {
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const type = raw[y * (stride + 1)];
    if (type > 4) throw new Error(`PNG: invalid filter type ${type} on row ${y}`);
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const prev = row - stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[row + x - bpp] : 0;
      const b = y > 0 ? out[prev + x] : 0;
      const c = x >= bpp && y > 0 ? out[prev + x - bpp] : 0;
      let pred: number;
      switch (type) {
        case 0: pred = 0; break;
        case 1: pred = a; break;
        case 2: pred = b; break;
        case 3: pred = (a + b) >> 1; break;
        default: pred = paeth(a, b, c);
      }
      out[row + x] = (raw[src + x] + pred) & 0xff;
    }
  }
  return out;
}

export function decodePng(bytes: Uint8Array): DecodedPng {
  if (bytes.length < 8 || SIGNATURE.some((v, i) => bytes[i] !== v)) throw new Error('PNG: not a PNG file (bad signature)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: Header | null = null;
  let palette: Uint8Array | null = null;
  let trns: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  let ended = false;
  for (let pos = 8; !ended; ) {
    if (pos + 12 > bytes.length) throw new Error('PNG: truncated file (no IEND chunk)');
    const len = dv.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    const end = pos + 8 + len;
    if (end + 4 > bytes.length) throw new Error(`PNG: truncated file (in ${type} chunk)`);
    if (crc32(bytes, pos + 4, end) !== dv.getUint32(end)) throw new Error(`PNG: corrupt file (CRC mismatch in ${type} chunk)`);
    const data = bytes.subarray(pos + 8, end);
    if (header === null && type !== 'IHDR') throw new Error('PNG: corrupt file (first chunk is not IHDR)');
    if (type === 'IHDR') header = readHeader(data, new DataView(data.buffer, data.byteOffset, data.byteLength));
    else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') trns = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    pos = end + 4;
  }
  if (header === null || idat.length === 0) throw new Error('PNG: corrupt file (no image data)');
  const { width, height, bitDepth, colourType } = header;
  if (colourType === 3 && (palette === null || palette.length % 3 !== 0)) throw new Error('PNG: palette image without a valid PLTE chunk');

  let raw: Uint8Array;
  try {
    raw = unzlibSync(concat(idat));
  } catch (e) {
    throw new Error(`PNG: corrupt image data (${e instanceof Error ? e.message : String(e)})`);
  }
  const channels = CHANNELS[colourType];
  const stride = Math.ceil((width * channels * bitDepth) / 8);
  if (raw.length < height * (stride + 1)) throw new Error('PNG: truncated image data');
  const lines = unfilter(raw, height, stride, Math.max(1, (channels * bitDepth) >> 3));
  return { width, height, rgba: toRgba(lines, header, stride, palette, trns) };
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function toRgba(lines: Uint8Array, h: Header, stride: number, palette: Uint8Array | null, trns: Uint8Array | null): Uint8Array {
  const { width, height, bitDepth, colourType } = h;
  const out = new Uint8Array(width * height * 4);
  const mask = (1 << bitDepth) - 1;
  const scale = 255 / mask; // widens 1/2/4-bit grey to the full 0..255 range, as the spec asks
  // tRNS for grey and RGB holds one 16-bit colour key per channel; at 8 bits only the low byte matters.
  const key = trns && colourType === 0 && trns.length >= 2 ? trns[1] : -1;
  const keyRgb = trns && colourType === 2 && trns.length >= 6 ? [trns[1], trns[3], trns[5]] : null;
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      if (colourType === 0 || colourType === 3) {
        const bit = x * bitDepth;
        const v = (lines[row + (bit >> 3)] >> (8 - bitDepth - (bit & 7))) & mask;
        if (colourType === 0) {
          const g = Math.round(v * scale);
          out[o] = out[o + 1] = out[o + 2] = g;
          out[o + 3] = v === key ? 0 : 255;
        } else {
          if (3 * v + 2 >= palette!.length) throw new Error(`PNG: palette index ${v} out of range`);
          out[o] = palette![3 * v];
          out[o + 1] = palette![3 * v + 1];
          out[o + 2] = palette![3 * v + 2];
          out[o + 3] = trns && v < trns.length ? trns[v] : 255;
        }
      } else if (colourType === 4) {
        const i = row + 2 * x;
        out[o] = out[o + 1] = out[o + 2] = lines[i];
        out[o + 3] = lines[i + 1];
      } else if (colourType === 2) {
        const i = row + 3 * x;
        out[o] = lines[i];
        out[o + 1] = lines[i + 1];
        out[o + 2] = lines[i + 2];
        out[o + 3] = keyRgb && keyRgb[0] === out[o] && keyRgb[1] === out[o + 1] && keyRgb[2] === out[o + 2] ? 0 : 255;
      } else {
        out.set(lines.subarray(row + 4 * x, row + 4 * x + 4), o);
      }
    }
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/** 8-bit RGBA PNG; each row gets whichever of the five filters minimises the usual sum-of-|residual| heuristic. */
export function encodePng(rgba: Uint8Array, width: number, height: number): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`encodePng: invalid size ${width}×${height}`);
  }
  if (rgba.length !== width * height * 4) throw new Error(`encodePng: expected ${width * height * 4} bytes, got ${rgba.length}`);
  const stride = width * 4;
  const filtered = new Uint8Array(height * (stride + 1));
  const candidate = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    let best = Infinity;
    for (let type = 0; type < 5; type++) {
      let cost = 0;
      for (let x = 0; x < stride; x++) {
        const a = x >= 4 ? rgba[row + x - 4] : 0;
        const b = y > 0 ? rgba[row - stride + x] : 0;
        const c = x >= 4 && y > 0 ? rgba[row - stride + x - 4] : 0;
        const pred = type === 0 ? 0 : type === 1 ? a : type === 2 ? b : type === 3 ? (a + b) >> 1 : paeth(a, b, c);
        const r = (rgba[row + x] - pred) & 0xff;
        candidate[x] = r;
        cost += r < 128 ? r : 256 - r;
      }
      if (cost < best) {
        best = cost;
        filtered[y * (stride + 1)] = type;
        filtered.set(candidate, y * (stride + 1) + 1);
      }
    }
  }
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const parts = [new Uint8Array(SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', zlibSync(filtered, { level: 6 })), chunk('IEND', new Uint8Array(0))];
  return concat(parts);
}
