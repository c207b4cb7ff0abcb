import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** What the WASM decoders (cornerstone codec builds) report for a frame. */
export interface CodecFrame {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
  /** Samples in native (little-endian) order: 1 byte each up to 8 bits, else 2 bytes. */
  bytes: Uint8Array;
}

interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean };
  delete(): void;
}
type Factory = (opts?: { print?: (s: string) => void; printErr?: (s: string) => void }) => Promise<Record<string, new () => WasmDecoder>>;

const codecErrors: string[] = [];
const cache = new Map<string, Promise<Record<string, new () => WasmDecoder>>>();

function load(module: string): Promise<Record<string, new () => WasmDecoder>> {
  let p = cache.get(module);
  if (!p) {
    const mod = require(module) as Factory | { default: Factory };
    const factory = typeof mod === 'function' ? mod : mod.default;
    // The codecs print progress and errors to stdout; keep the errors for the failure message instead.
    const keep = (line: string) => {
      if (/error/i.test(line)) codecErrors.push(line.replace(/^\[ERROR\]\s*/, ''));
    };
    p = factory({ print: keep, printErr: keep });
    cache.set(module, p);
  }
  return p;
}

async function run(module: string, cls: string, encoded: Uint8Array): Promise<CodecFrame> {
  const lib = await load(module);
  const Decoder = lib[cls];
  if (!Decoder) throw new Error(`${module} has no ${cls}`);
  const decoder = new Decoder();
  codecErrors.length = 0;
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    try {
      decoder.decode();
    } catch (err) {
      throw new Error(codecErrors[0] ?? (typeof err === 'number' ? `codec error ${err}` : String(err)));
    }
    const info = decoder.getFrameInfo();
    if (info.width === 0 && codecErrors.length) throw new Error(codecErrors[0]);
    const bytes = new Uint8Array(decoder.getDecodedBuffer()); // copy out of WASM memory
    return { ...info, bytes };
  } finally {
    decoder.delete();
  }
}

export const decodeJpegBaseline = (b: Uint8Array) => run('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs', 'JPEGDecoder', b);
export const decodeJpegLs = (b: Uint8Array) => run('@cornerstonejs/codec-charls/decodewasmjs', 'JpegLSDecoder', b);
export const decodeJ2k = (b: Uint8Array) => run('@cornerstonejs/codec-openjpeg/decodewasmjs', 'J2KDecoder', b);
export const decodeHtj2k = (b: Uint8Array) => run('@cornerstonejs/codec-openjph/wasmjs', 'HTJ2KDecoder', b);

/** JPEG lossless (process 14, any predictor) with jpeg-lossless-decoder-js. */
export function decodeJpegLossless(b: Uint8Array, bitsAllocated: number): Uint8Array {
  const lib = require('jpeg-lossless-decoder-js') as {
    Decoder: new () => { decode(buf: ArrayBuffer, offset: number, length: number, bytesPerSample?: number): ArrayBufferView | ArrayBuffer };
  };
  const copy = new Uint8Array(b); // own ArrayBuffer
  const out = new lib.Decoder().decode(copy.buffer, 0, copy.length, bitsAllocated > 8 ? 2 : 1);
  return ArrayBuffer.isView(out) ? new Uint8Array(out.buffer, out.byteOffset, out.byteLength) : new Uint8Array(out);
}

/** DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, PackBits segments, MSB first. */
export function decodeRle(frame: Uint8Array, pixels: number, bytesPerSample: number, samples: number): Uint8Array {
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (frame.length < 64) throw new Error('RLE header is shorter than 64 bytes');
  const segments = dv.getUint32(0, true);
  if (segments !== bytesPerSample * samples) {
    throw new Error(`RLE frame has ${segments} segments, ${bytesPerSample * samples} expected`);
  }
  const out = new Uint8Array(pixels * bytesPerSample * samples);
  for (let s = 0; s < segments; s++) {
    const start = dv.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? dv.getUint32(8 + 4 * s, true) : frame.length;
    if (start < 64 || start > frame.length || end > frame.length || end < start) throw new Error(`RLE segment ${s + 1} offsets are out of range`);
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample); // segment 0 = most significant byte
    const stride = bytesPerSample * samples;
    let o = 0;
    let i = start;
    const base = sample * bytesPerSample + byteInSample;
    while (o < pixels && i < end) {
      const n = frame[i++]!;
      if (n < 128) {
        const count = n + 1;
        if (i + count > end) throw new Error(`RLE segment ${s + 1} is truncated`);
        for (let k = 0; k < count && o < pixels; k++) out[base + stride * o++] = frame[i++]!;
      } else if (n > 128) {
        const count = 257 - n;
        if (i >= end) throw new Error(`RLE segment ${s + 1} is truncated`);
        const v = frame[i++]!;
        for (let k = 0; k < count && o < pixels; k++) out[base + stride * o++] = v;
      }
    }
    if (o < pixels) throw new Error(`RLE segment ${s + 1} decodes to ${o} of ${pixels} bytes`);
  }
  return out;
}

/** PackBits encoder for one RLE segment (used by the DICOM writer); pads to an even length. */
export function packBits(src: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < src.length) {
    let run = 1;
    while (i + run < src.length && run < 128 && src[i + run] === src[i]) run++;
    if (run >= 2) {
      out.push(257 - run, src[i]!);
      i += run;
      continue;
    }
    let lit = 1;
    while (i + lit < src.length && lit < 128 && !(i + lit + 1 < src.length && src[i + lit] === src[i + lit + 1])) lit++;
    out.push(lit - 1);
    for (let k = 0; k < lit; k++) out.push(src[i + k]!);
    i += lit;
  }
  if (out.length % 2) out.push(128); // no-op
  return Uint8Array.from(out);
}
