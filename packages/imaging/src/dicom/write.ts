import { randomUUID } from 'node:crypto';
import { packBits } from './codecs.js';

/** A value to write: text (string VRs), numbers (US/UL/SS/FL/FD), bytes (OB/OW/UN), items (SQ). */
export type DicomValue = string | number | number[] | Uint8Array | Uint16Array | DicomItem[];
export type DicomItem = DicomWriteElement[];
export interface DicomWriteElement {
  tag: number;
  vr: string;
  value: DicomValue;
}
/** Shorthand: el(0x00100010, 'PN', 'Doe^John'). */
export const el = (tag: number, vr: string, value: DicomValue): DicomWriteElement => ({ tag, vr, value });

const LONG = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/** A fresh UID under the UUID-derived 2.25 root (PS3.5 B.2). */
export function newUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;
}

class Out {
  chunks: Uint8Array[] = [];
  length = 0;
  push(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  u16(v: number): void {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v, true);
    this.push(b);
  }
  u32(v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, true);
    this.push(b);
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

function encodeValue(vr: string, value: DicomValue): Uint8Array {
  if (typeof value === 'string') {
    const padChar = vr === 'UI' ? 0 : 0x20;
    const b = Buffer.from(value, 'latin1');
    const out = new Uint8Array(b.length + (b.length % 2));
    out.set(b);
    if (b.length % 2) out[b.length] = padChar;
    return out;
  }
  if (value instanceof Uint16Array) {
    const out = new Uint8Array(value.length * 2);
    const dv = new DataView(out.buffer);
    for (let i = 0; i < value.length; i++) dv.setUint16(2 * i, value[i]!, true);
    return out;
  }
  if (value instanceof Uint8Array) {
    if (value.length % 2 === 0) return value;
    const out = new Uint8Array(value.length + 1);
    out.set(value);
    return out;
  }
  const nums = typeof value === 'number' ? [value] : (value as number[]);
  const size = vr === 'US' || vr === 'SS' ? 2 : vr === 'FD' ? 8 : 4;
  const out = new Uint8Array(nums.length * size);
  const dv = new DataView(out.buffer);
  nums.forEach((n, i) => {
    if (vr === 'US') dv.setUint16(i * 2, n, true);
    else if (vr === 'SS') dv.setInt16(i * 2, n, true);
    else if (vr === 'UL') dv.setUint32(i * 4, n, true);
    else if (vr === 'SL') dv.setInt32(i * 4, n, true);
    else if (vr === 'FL') dv.setFloat32(i * 4, n, true);
    else if (vr === 'FD') dv.setFloat64(i * 8, n, true);
    else throw new Error(`cannot write a number as ${vr}`);
  });
  return out;
}

/** Explicit VR little-endian elements, sorted by tag; sequences with defined lengths. */
function writeElements(elements: DicomWriteElement[], out: Out): void {
  for (const e of [...elements].sort((a, b) => a.tag - b.tag)) {
    let value: Uint8Array;
    if (e.vr === 'SQ') {
      const inner = new Out();
      for (const item of e.value as DicomItem[]) {
        const body = new Out();
        writeElements(item, body);
        inner.u16(0xfffe);
        inner.u16(0xe000);
        inner.u32(body.length);
        inner.push(body.bytes());
      }
      value = inner.bytes();
    } else value = encodeValue(e.vr, e.value);
    out.u16(e.tag >>> 16);
    out.u16(e.tag & 0xffff);
    out.push(Uint8Array.of(e.vr.charCodeAt(0), e.vr.charCodeAt(1)));
    if (LONG.has(e.vr)) {
      out.u16(0);
      out.u32(value.length);
    } else {
      if (value.length > 0xffff) throw new Error(`value of ${e.tag.toString(16)} is too long for ${e.vr}`);
      out.u16(value.length);
    }
    out.push(value);
  }
}

export interface WriteOptions {
  /** Explicit VR LE by default; any other UID needs `encapsulated` frames. */
  transferSyntax?: string;
  /** Encapsulated pixel data fragments (one per frame) for a compressed transfer syntax. */
  encapsulated?: Uint8Array[];
}

/**
 * A Part 10 file: preamble, DICM, file meta (group 0002) and the dataset in Explicit VR Little Endian.
 * The dataset must hold SOP Class UID (0008,0016) and SOP Instance UID (0008,0018) as strings.
 */
export function writeDicom(dataset: DicomWriteElement[], options: WriteOptions = {}): Uint8Array {
  const ts = options.transferSyntax ?? '1.2.840.10008.1.2.1';
  const sopClass = dataset.find((e) => e.tag === 0x00080016)?.value as string;
  const sopInstance = dataset.find((e) => e.tag === 0x00080018)?.value as string;
  if (typeof sopClass !== 'string' || typeof sopInstance !== 'string') throw new Error('SOP Class and SOP Instance UIDs are required');
  const meta = new Out();
  writeElements(
    [
      el(0x00020001, 'OB', Uint8Array.of(0, 1)),
      el(0x00020002, 'UI', sopClass),
      el(0x00020003, 'UI', sopInstance),
      el(0x00020010, 'UI', ts),
      el(0x00020012, 'UI', '1.2.826.0.1.3680043.10.1234.1'),
      el(0x00020013, 'SH', 'VERTXNET_01'),
    ],
    meta,
  );
  const out = new Out();
  out.push(new Uint8Array(128));
  out.push(Uint8Array.of(0x44, 0x49, 0x43, 0x4d));
  writeElements([el(0x00020000, 'UL', meta.length)], out);
  out.push(meta.bytes());
  if (options.encapsulated) {
    writeElements(
      dataset.filter((e) => e.tag !== 0x7fe00010),
      out,
    );
    out.u16(0x7fe0);
    out.u16(0x0010);
    out.push(Uint8Array.of(0x4f, 0x42, 0, 0)); // OB, reserved
    out.u32(0xffffffff);
    out.u16(0xfffe);
    out.u16(0xe000);
    out.u32(0); // empty Basic Offset Table
    for (const f of options.encapsulated) {
      const even = f.length % 2 ? encodeValue('OB', f) : f;
      out.u16(0xfffe);
      out.u16(0xe000);
      out.u32(even.length);
      out.push(even);
    }
    out.u16(0xfffe);
    out.u16(0xe0dd);
    out.u32(0);
  } else writeElements(dataset, out);
  return out.bytes();
}

/** One RLE Lossless frame (PS3.5 G) of 8- or 16-bit grey samples: header + PackBits segments, MSB first. */
export function encodeRleFrame(samples: Uint8Array | Uint16Array): Uint8Array {
  const bytesPer = samples instanceof Uint16Array ? 2 : 1;
  const segments: Uint8Array[] = [];
  for (let s = 0; s < bytesPer; s++) {
    const plane = new Uint8Array(samples.length);
    const shift = 8 * (bytesPer - 1 - s);
    for (let i = 0; i < samples.length; i++) plane[i] = (samples[i]! >> shift) & 0xff;
    segments.push(packBits(plane));
  }
  const header = new Uint8Array(64);
  const dv = new DataView(header.buffer);
  dv.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((seg, i) => {
    dv.setUint32(4 + 4 * i, offset, true);
    offset += seg.length;
  });
  const out = new Uint8Array(offset);
  out.set(header);
  let o = 64;
  for (const seg of segments) {
    out.set(seg, o);
    o += seg.length;
  }
  return out;
}
