import { decodeHtj2k, decodeJ2k, decodeJpegBaseline, decodeJpegLossless, decodeJpegLs, decodeRle, type CodecFrame } from './codecs.js';
import { decodeJpegSequential } from './jpeg12.js';
import type { Codec } from './transfer-syntax.js';

/** Frame 1's compressed bytes from the fragments (with or without a Basic Offset Table). */
export function firstFrameFragments(fragments: Uint8Array[], frames: number, codec: Codec): Uint8Array {
  const [bot, ...frags] = fragments;
  if (frags.length === 0) throw new Error('encapsulated pixel data has no fragments');
  let parts: Uint8Array[];
  if (frames <= 1) parts = frags;
  else if (bot && bot.length >= 8) {
    const dv = new DataView(bot.buffer, bot.byteOffset, bot.byteLength);
    const end = dv.getUint32(4, true);
    parts = [];
    let at = 0;
    for (const f of frags) {
      if (at >= end) break;
      parts.push(f);
      at += f.length + 8;
    }
  } else if (frags.length === frames) parts = [frags[0]!];
  else if (codec === 'rle') parts = [frags[0]!];
  else {
    // No offset table and more fragments than frames: frame 1 ends with the first EOI/EOC marker.
    parts = [];
    for (const f of frags) {
      parts.push(f);
      const n = f.length;
      if (n >= 2 && ((f[n - 2] === 0xff && f[n - 1] === 0xd9) || (n >= 3 && f[n - 3] === 0xff && f[n - 2] === 0xd9 && f[n - 1] === 0))) break;
    }
  }
  if (parts.length === 1) return parts[0]!;
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Decodes frame 1's compressed bytes to little-endian words of `bytesPerSample`, checked against the header. */
export async function decodeFrame(
  codec: Codec,
  encoded: Uint8Array,
  pixels: number,
  bytesPerSample: number,
  bitsAllocated: number,
  rows: number,
  cols: number,
): Promise<Uint8Array> {
  const check = (f: CodecFrame): Uint8Array => {
    if (f.width !== cols || f.height !== rows) throw new Error(`the codestream is ${f.width}x${f.height}, the header says ${cols}x${rows}`);
    if (f.componentCount !== 1) throw new Error(`the codestream has ${f.componentCount} components`);
    const need = pixels * bytesPerSample;
    if (f.bitsPerSample > 8 && bytesPerSample === 1) throw new Error(`the codestream has ${f.bitsPerSample}-bit samples for 8 bits allocated`);
    if (f.bitsPerSample <= 8 && bytesPerSample === 2) {
      const out = new Uint8Array(need);
      for (let i = 0; i < pixels; i++) out[2 * i] = f.bytes[i]!;
      return out;
    }
    if (f.bytes.length < need) throw new Error(`the codec returned ${f.bytes.length} bytes, ${need} expected`);
    return f.bytes.subarray(0, need);
  };
  switch (codec) {
    case 'jpeg': {
      if (readSofPrecision(encoded) > 8) {
        const f = decodeJpegSequential(encoded);
        return check({
          width: f.width,
          height: f.height,
          bitsPerSample: f.precision,
          componentCount: 1,
          isSigned: false,
          bytes: new Uint8Array(f.data.buffer),
        });
      }
      return check(await decodeJpegBaseline(encoded));
    }
    case 'jpeg-ls':
      return check(await decodeJpegLs(encoded));
    case 'j2k':
      return check(await decodeJ2k(encoded));
    case 'htj2k':
      return check(await decodeHtj2k(encoded));
    case 'jpeg-lossless': {
      const out = decodeJpegLossless(encoded, bitsAllocated);
      const need = pixels * bytesPerSample;
      if (out.length < need) throw new Error(`the codec returned ${out.length} bytes, ${need} expected`);
      return out.subarray(0, need);
    }
    case 'rle':
      return decodeRle(encoded, pixels, bytesPerSample, 1);
    case 'native':
      throw new Error('unreachable');
  }
}

/** Sample precision from the first SOF marker of a JPEG stream (0 when not found). */
function readSofPrecision(b: Uint8Array): number {
  for (let i = 2; i + 4 < b.length;) {
    if (b[i] !== 0xff) return 0;
    const m = b[i + 1]!;
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return b[i + 4]!;
    const len = (b[i + 2]! << 8) | b[i + 3]!;
    i += 2 + len;
  }
  return 0;
}
