/**
 * A small animated-GIF (GIF89a) encoder: a fixed 256-colour palette (3 bits red, 3 green, 2 blue) with
 * optional 4×4 ordered (Bayer) dithering, variable-width LZW (the GIF flavour: LSB-first codes, clear and
 * end codes, 12-bit table limit), a NETSCAPE2.0 loop block and one graphic-control block (delay) per frame.
 * Also a minimal decoder (`decodeGif`), enough to check what the encoder writes.
 */

/** The palette: index = r·32 + g·4 + b with r, g ∈ 0…7, b ∈ 0…3. */
export function gifPalette(): Uint8Array {
  const p = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    p[3 * i] = Math.round((((i >> 5) & 7) * 255) / 7);
    p[3 * i + 1] = Math.round((((i >> 2) & 7) * 255) / 7);
    p[3 * i + 2] = Math.round(((i & 3) * 255) / 3);
  }
  return p;
}

const BAYER4 = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5];

/** RGBA (or RGB with channels = 3) → palette indices. */
export function quantize(pixels: Uint8Array, width: number, height: number, dither = true, channels = 4): Uint8Array {
  const out = new Uint8Array(width * height);
  const q = (v: number, levels: number, d: number) => {
    const step = 255 / (levels - 1);
    const l = Math.round(v / step + d);
    return l < 0 ? 0 : l > levels - 1 ? levels - 1 : l;
  };
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const d = dither ? (BAYER4[(y & 3) * 4 + (x & 3)] + 0.5) / 16 - 0.5 : 0;
      out[i] = (q(pixels[i * channels], 8, d) << 5) | (q(pixels[i * channels + 1], 8, d) << 2) | q(pixels[i * channels + 2], 4, d);
    }
  return out;
}

class ByteWriter {
  private buf = new Uint8Array(1 << 16);
  length = 0;
  byte(b: number): void {
    if (this.length === this.buf.length) {
      const n = new Uint8Array(this.buf.length * 2);
      n.set(this.buf);
      this.buf = n;
    }
    this.buf[this.length++] = b & 0xff;
  }
  bytes(bs: ArrayLike<number>): void {
    for (let i = 0; i < bs.length; i++) this.byte(bs[i]);
  }
  u16(v: number): void {
    this.byte(v & 0xff);
    this.byte(v >> 8);
  }
  ascii(s: string): void {
    for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i));
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** GIF LZW of 8-bit indices, returned as the raw code stream (not yet cut into sub-blocks). */
export function lzwEncode(indices: Uint8Array, minCodeSize = 8): Uint8Array {
  const clear = 1 << minCodeSize;
  const eoi = clear + 1;
  const out = new ByteWriter();
  let acc = 0;
  let nbits = 0;
  let size = minCodeSize + 1;
  const emit = (code: number) => {
    acc |= code << nbits;
    nbits += size;
    while (nbits >= 8) {
      out.byte(acc & 0xff);
      acc >>>= 8;
      nbits -= 8;
    }
  };
  // table[prefix·256 + k] = code of (string of prefix) + k, or −1.
  const table = new Int16Array(4096 * 256).fill(-1);
  let next = eoi + 1;
  emit(clear);
  if (indices.length === 0) {
    emit(eoi);
    if (nbits > 0) out.byte(acc & 0xff);
    return out.result();
  }
  let cur = indices[0];
  for (let i = 1; i < indices.length; i++) {
    const k = indices[i];
    const key = cur * 256 + k;
    const hit = table[key];
    if (hit >= 0) {
      cur = hit;
      continue;
    }
    emit(cur);
    if (next === 4096) {
      emit(clear);
      table.fill(-1);
      next = eoi + 1;
      size = minCodeSize + 1;
    } else {
      // The decoder adds this entry one code later, and widens when its table reaches 2^size.
      if (next >= 1 << size) size++;
      table[key] = next++;
    }
    cur = k;
  }
  emit(cur);
  emit(eoi);
  if (nbits > 0) out.byte(acc & 0xff);
  return out.result();
}

export interface GifOptions {
  /** Delay per frame in hundredths of a second. */
  delayCs?: number;
  /** 0 = loop forever (default); null = play once (no NETSCAPE block). */
  loop?: number | null;
  dither?: boolean;
}

/** Frames of RGBA pixels (width·height·4 each) → GIF89a bytes. */
export function encodeGif(frames: Uint8Array[], width: number, height: number, o: GifOptions = {}): Uint8Array {
  if (frames.length === 0) throw new Error('encodeGif: no frames');
  if (width < 1 || height < 1 || width > 65535 || height > 65535) throw new Error(`encodeGif: bad size ${width}×${height}`);
  for (const f of frames) if (f.length !== width * height * 4) throw new Error('encodeGif: frame size does not match width × height × 4');
  const w = new ByteWriter();
  w.ascii('GIF89a');
  w.u16(width);
  w.u16(height);
  w.byte(0xf7); // global colour table, 8 bits colour resolution, 256 entries
  w.byte(0); // background index
  w.byte(0); // aspect
  w.bytes(gifPalette());
  if (o.loop !== null) {
    w.bytes([0x21, 0xff, 11]);
    w.ascii('NETSCAPE2.0');
    w.bytes([3, 1]);
    w.u16(o.loop ?? 0);
    w.byte(0);
  }
  for (const f of frames) {
    w.bytes([0x21, 0xf9, 4, 0x04]); // graphic control: disposal 1 (leave in place), no transparency
    w.u16(o.delayCs ?? 8);
    w.bytes([0, 0]);
    w.byte(0x2c);
    w.u16(0);
    w.u16(0);
    w.u16(width);
    w.u16(height);
    w.byte(0); // no local colour table, not interlaced
    w.byte(8); // LZW minimum code size
    const data = lzwEncode(quantize(f, width, height, o.dither ?? true));
    for (let i = 0; i < data.length; i += 255) {
      const n = Math.min(255, data.length - i);
      w.byte(n);
      w.bytes(data.subarray(i, i + n));
    }
    w.byte(0);
  }
  w.byte(0x3b);
  return w.result();
}

export interface DecodedGif {
  width: number;
  height: number;
  palette: Uint8Array;
  /** Palette indices per frame (full-canvas frames only). */
  frames: Uint8Array[];
  delaysCs: number[];
  loop: number | null;
}

function lzwDecode(data: Uint8Array, minCodeSize: number, pixels: number): Uint8Array {
  const clear = 1 << minCodeSize;
  const eoi = clear + 1;
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const first = new Uint8Array(4096);
  const lens = new Int32Array(4096);
  for (let i = 0; i < clear; i++) {
    suffix[i] = i;
    first[i] = i;
    lens[i] = 1;
  }
  const out = new Uint8Array(pixels);
  let o = 0;
  let size = minCodeSize + 1;
  let next = eoi + 1;
  let prev = -1;
  let acc = 0;
  let nbits = 0;
  let pos = 0;
  const write = (code: number) => {
    const len = lens[code];
    if (o + len > pixels) throw new Error('gif: more pixels than the frame holds');
    let c = code;
    for (let i = len - 1; i >= 0; i--) {
      out[o + i] = suffix[c];
      c = prefix[c];
    }
    o += len;
  };
  for (;;) {
    while (nbits < size) {
      if (pos >= data.length) throw new Error('gif: LZW data ended without an end code');
      acc |= data[pos++] << nbits;
      nbits += 8;
    }
    const code = acc & ((1 << size) - 1);
    acc >>>= size;
    nbits -= size;
    if (code === clear) {
      size = minCodeSize + 1;
      next = eoi + 1;
      prev = -1;
      continue;
    }
    if (code === eoi) break;
    if (prev < 0) {
      if (code >= clear) throw new Error(`gif: first code ${code} is not a literal`);
      write(code);
      prev = code;
      continue;
    }
    if (code > next) throw new Error(`gif: code ${code} beyond the table (${next})`);
    const k = code < next ? first[code] : first[prev];
    if (next < 4096) {
      prefix[next] = prev;
      suffix[next] = k;
      first[next] = first[prev];
      lens[next] = lens[prev] + 1;
      next++;
      if (next === 1 << size && size < 12) size++;
    }
    write(code);
    prev = code;
  }
  if (o !== pixels) throw new Error(`gif: frame has ${o} pixels, expected ${pixels}`);
  return out;
}

/** Decodes what encodeGif writes (global palette, full-frame images, no interlacing); throws on malformed input. */
export function decodeGif(bytes: Uint8Array): DecodedGif {
  const sig = String.fromCharCode(...bytes.subarray(0, 6));
  if (sig !== 'GIF89a' && sig !== 'GIF87a') throw new Error(`gif: bad signature ${JSON.stringify(sig)}`);
  const u16 = (i: number) => bytes[i] | (bytes[i + 1] << 8);
  const width = u16(6);
  const height = u16(8);
  const flags = bytes[10];
  let p = 13;
  let palette = new Uint8Array(0);
  if (flags & 0x80) {
    const n = 3 * (1 << ((flags & 7) + 1));
    palette = bytes.slice(p, p + n);
    p += n;
  }
  const frames: Uint8Array[] = [];
  const delaysCs: number[] = [];
  let loop: number | null = null;
  let delay = 0;
  const readSubBlocks = () => {
    const parts: number[] = [];
    for (;;) {
      if (p >= bytes.length) throw new Error('gif: truncated sub-blocks');
      const n = bytes[p++];
      if (n === 0) break;
      for (let i = 0; i < n; i++) parts.push(bytes[p + i]);
      p += n;
    }
    return Uint8Array.from(parts);
  };
  for (;;) {
    if (p >= bytes.length) throw new Error('gif: missing trailer');
    const b = bytes[p++];
    if (b === 0x3b) break;
    if (b === 0x21) {
      const label = bytes[p++];
      const body = readSubBlocks();
      if (label === 0xf9) delay = body[1] | (body[2] << 8);
      if (label === 0xff && String.fromCharCode(...body.subarray(0, 11)) === 'NETSCAPE2.0') loop = body[12] | (body[13] << 8);
    } else if (b === 0x2c) {
      const fw = u16(p + 4);
      const fh = u16(p + 6);
      const fflags = bytes[p + 8];
      p += 9;
      if (fw !== width || fh !== height || u16(p - 9) !== 0 || u16(p - 7) !== 0) throw new Error('gif: only full-canvas frames are supported');
      if (fflags & 0x80) p += 3 * (1 << ((fflags & 7) + 1));
      const min = bytes[p++];
      frames.push(lzwDecode(readSubBlocks(), min, width * height));
      delaysCs.push(delay);
    } else throw new Error(`gif: unexpected block 0x${b.toString(16)} at ${p - 1}`);
  }
  return { width, height, palette, frames, delaysCs, loop };
}
