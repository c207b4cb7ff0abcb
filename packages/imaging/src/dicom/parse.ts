import { inflateRawSync } from 'node:zlib';
import { ALL_VRS, IMPLICIT_VR, LONG_VRS } from './vr.js';

/** Transfer syntaxes this parser reads (pixel codecs are in decode.ts). */
export const TS = {
  implicitLE: '1.2.840.10008.1.2',
  explicitLE: '1.2.840.10008.1.2.1',
  deflatedLE: '1.2.840.10008.1.2.1.99',
  explicitBE: '1.2.840.10008.1.2.2',
} as const;

/** One data element: where its value lies in `bytes` (the possibly inflated buffer). */
export interface DicomElement {
  tag: number;
  vr: string;
  /** Value bytes (defined length) — for encapsulated pixel data, the fragments instead. */
  value: Uint8Array;
  items?: DicomDataset[];
  fragments?: Uint8Array[];
}

export interface DicomDataset {
  elements: Map<number, DicomElement>;
  littleEndian: boolean;
}

export interface ParsedDicom {
  meta: DicomDataset;
  dataset: DicomDataset;
  transferSyntax: string;
  /** How the file started: 'preamble' (128 bytes + DICM), 'no-preamble' (DICM at 0) or 'bare' (no DICM). */
  layout: 'preamble' | 'no-preamble' | 'bare';
}

/** A problem in the byte structure; the caller turns it into an InputError with the file name. */
export class DicomFormatError extends Error {}

/** The file would need more memory than the caller allows (a deflate bomb). */
export class DicomTooLargeError extends Error {}

export interface ParseOptions {
  /** Refuse a Deflated dataset that inflates to more bytes than this. @defaultValue no limit */
  maxInflatedBytes?: number;
}

const UNDEFINED = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_DELIM = 0xfffee00d;
const SEQ_DELIM = 0xfffee0dd;
export const PIXEL_DATA = 0x7fe00010;

class Reader {
  constructor(
    readonly bytes: Uint8Array,
    readonly view: DataView,
    public pos: number,
    readonly little: boolean,
    readonly explicit: boolean,
  ) {}
  need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length) {
      throw new DicomFormatError(`file ends inside ${what} at byte ${this.pos} (truncated)`);
    }
  }
  u16(): number {
    this.need(2, 'an element header');
    const v = this.view.getUint16(this.pos, this.little);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4, 'an element header');
    const v = this.view.getUint32(this.pos, this.little);
    this.pos += 4;
    return v;
  }
  tag(): number {
    const g = this.u16();
    const e = this.u16();
    return ((g << 16) | e) >>> 0;
  }
}

function hex(tag: number): string {
  const s = tag.toString(16).toUpperCase().padStart(8, '0');
  return `(${s.slice(0, 4)},${s.slice(4)})`;
}

/** Reads elements until `end` or an item/sequence delimiter. */
function readDataset(r: Reader, end: number, depth: number): DicomDataset {
  const elements = new Map<number, DicomElement>();
  let previous = -1;
  while (r.pos < end) {
    if (end - r.pos < 8) {
      // Trailing padding of fewer bytes than a header: tolerated only at the top level.
      if (depth === 0) break;
      throw new DicomFormatError(`file ends inside an element header at byte ${r.pos} (truncated)`);
    }
    const start = r.pos;
    const tag = r.tag();
    if (tag === ITEM_DELIM || tag === SEQ_DELIM) {
      r.u32();
      if (depth === 0) throw new DicomFormatError(`unexpected delimiter at byte ${start}`);
      return { elements, littleEndian: r.little };
    }
    let vr: string;
    let length: number;
    if (r.explicit && tag >>> 16 !== 0xfffe) {
      r.need(2, 'an element header');
      vr = String.fromCharCode(r.bytes[r.pos]!, r.bytes[r.pos + 1]!);
      r.pos += 2;
      if (!ALL_VRS.has(vr)) {
        throw new DicomFormatError(`element ${hex(tag)} at byte ${start} has an invalid VR (the data is not valid DICOM)`);
      }
      if (LONG_VRS.has(vr)) {
        r.pos += 2;
        length = r.u32();
      } else {
        length = r.u16();
      }
    } else {
      vr = IMPLICIT_VR[tag] ?? 'UN';
      length = r.u32();
    }
    if (depth === 0 && tag < previous) {
      throw new DicomFormatError(`element ${hex(tag)} at byte ${start} is out of order (the data is not valid DICOM)`);
    }
    previous = tag;
    const el: DicomElement = { tag, vr, value: new Uint8Array(0) };
    if (length === UNDEFINED) {
      if (tag === PIXEL_DATA) {
        el.fragments = readFragments(r);
      } else if (vr === 'UN' && r.explicit) {
        // A sequence of unknown VR with undefined length is encoded as Implicit VR LE (PS3.5 6.2.2).
        const implicit = new Reader(r.bytes, r.view, r.pos, true, false);
        el.items = readItems(implicit, UNDEFINED, depth);
        r.pos = implicit.pos;
      } else {
        el.items = readItems(r, UNDEFINED, depth);
      }
    } else {
      if (r.pos + length > r.bytes.length) {
        const isPixels = tag === PIXEL_DATA;
        // An odd Pixel Data length one byte past the end (no pad byte) is a known writer bug: take it.
        if (!(isPixels && r.pos + length === r.bytes.length + 1)) {
          throw new DicomFormatError(
            isPixels
              ? `pixel data is truncated: ${length} bytes declared, ${r.bytes.length - r.pos} present`
              : `element ${hex(tag)} at byte ${start} declares ${length} bytes but the file ends after ${r.bytes.length - r.pos} (truncated)`,
          );
        }
      }
      if (vr === 'SQ') {
        el.items = readItems(r, length, depth);
      } else {
        el.value = r.bytes.subarray(r.pos, Math.min(r.pos + length, r.bytes.length));
        r.pos += length;
      }
    }
    elements.set(tag, el);
  }
  return { elements, littleEndian: r.little };
}

function readItems(r: Reader, length: number, depth: number): DicomDataset[] {
  const end = length === UNDEFINED ? r.bytes.length : r.pos + length;
  const items: DicomDataset[] = [];
  while (r.pos < end) {
    const tag = r.tag();
    const itemLength = r.u32();
    if (tag === SEQ_DELIM) return items;
    if (tag !== ITEM) throw new DicomFormatError(`sequence item expected at byte ${r.pos - 8}, found ${hex(tag)}`);
    if (itemLength === UNDEFINED) {
      items.push(readDataset(r, r.bytes.length, depth + 1));
    } else {
      const itemEnd = r.pos + itemLength;
      if (itemEnd > r.bytes.length) throw new DicomFormatError('a sequence item runs past the end of the file (truncated)');
      items.push(readDataset(r, itemEnd, depth + 1));
      r.pos = itemEnd;
    }
  }
  if (length === UNDEFINED) throw new DicomFormatError('a sequence has no end delimiter (truncated)');
  return items;
}

/** Encapsulated pixel data: item 0 is the Basic Offset Table, the rest are fragments. */
function readFragments(r: Reader): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (;;) {
    if (r.pos + 8 > r.bytes.length) throw new DicomFormatError('encapsulated pixel data has no sequence delimiter (truncated)');
    const tag = r.tag();
    const length = r.u32();
    if (tag === SEQ_DELIM) return out;
    if (tag !== ITEM) throw new DicomFormatError(`pixel data fragment expected at byte ${r.pos - 8}, found ${hex(tag)}`);
    if (length === UNDEFINED || r.pos + length > r.bytes.length) {
      throw new DicomFormatError('a pixel data fragment runs past the end of the file (truncated)');
    }
    out.push(r.bytes.subarray(r.pos, r.pos + length));
    r.pos += length;
  }
}

function isDicm(bytes: Uint8Array, at: number): boolean {
  return bytes.length >= at + 4 && bytes[at] === 0x44 && bytes[at + 1] === 0x49 && bytes[at + 2] === 0x43 && bytes[at + 3] === 0x4d;
}

/** Does this look like DICOM: DICM at 128 or 0, or a bare dataset starting with a group 0002/0008 element. */
export function looksLikeDicom(bytes: Uint8Array): boolean {
  if (isDicm(bytes, 128) || isDicm(bytes, 0)) return true;
  return bareSyntax(bytes) !== undefined;
}

/** A file without DICM: guess implicit/explicit LE from the first element (group 0002 or 0008, small element). */
function bareSyntax(bytes: Uint8Array): { explicit: boolean } | undefined {
  if (bytes.length < 12) return undefined;
  const group = bytes[0]! | (bytes[1]! << 8);
  if (group !== 0x0002 && group !== 0x0008) return undefined;
  const element = bytes[2]! | (bytes[3]! << 8);
  if (element > 0x00ff) return undefined;
  const vr = String.fromCharCode(bytes[4]!, bytes[5]!);
  if (ALL_VRS.has(vr)) return { explicit: true };
  // Implicit: a plausible 4-byte length.
  const len = bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24);
  return len >= 0 && len < 1024 ? { explicit: false } : undefined;
}

function text(el: DicomElement | undefined): string | undefined {
  if (!el) return undefined;
  let s = '';
  for (const b of el.value) s += String.fromCharCode(b);
  return s.replace(/[\0 ]+$/, '').trim();
}

/** Parses a Part 10 file (or a bare dataset); the dataset stops at nothing: pixel data is kept as a view. */
export function parseDicom(input: Uint8Array, options: ParseOptions = {}): ParsedDicom {
  const bytes = input;
  let pos: number;
  let layout: ParsedDicom['layout'];
  if (isDicm(bytes, 128)) {
    pos = 132;
    layout = 'preamble';
  } else if (isDicm(bytes, 0)) {
    pos = 4;
    layout = 'no-preamble';
  } else {
    pos = 0;
    layout = 'bare';
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // File meta: always explicit VR little endian; read group 0002 element by element.
  const metaReader = new Reader(bytes, view, pos, true, true);
  let meta: DicomDataset = { elements: new Map(), littleEndian: true };
  if (bytes.length >= pos + 6 && view.getUint16(pos, true) === 0x0002) {
    const explicitMeta = ALL_VRS.has(String.fromCharCode(bytes[pos + 4]!, bytes[pos + 5]!));
    const mr = explicitMeta ? metaReader : new Reader(bytes, view, pos, true, false);
    // Find the end of group 0002 by reading elements one at a time.
    const elements = new Map<number, DicomElement>();
    while (mr.pos + 8 <= bytes.length && view.getUint16(mr.pos, true) === 0x0002) {
      const r1 = new Reader(bytes, view, mr.pos, true, explicitMeta);
      const tag = r1.tag();
      let vr = 'UN';
      let len: number;
      if (explicitMeta) {
        vr = String.fromCharCode(bytes[r1.pos]!, bytes[r1.pos + 1]!);
        r1.pos += 2;
        if (LONG_VRS.has(vr)) {
          r1.pos += 2;
          len = r1.u32();
        } else len = r1.u16();
      } else len = r1.u32();
      if (r1.pos + len > bytes.length) throw new DicomFormatError('the file meta information is truncated');
      elements.set(tag, { tag, vr, value: bytes.subarray(r1.pos, r1.pos + len) });
      mr.pos = r1.pos + len;
    }
    meta = { elements, littleEndian: true };
    pos = mr.pos;
  }
  let transferSyntax = text(meta.elements.get(0x00020010));
  if (!transferSyntax) {
    if (layout === 'preamble' && meta.elements.size === 0) {
      throw new DicomFormatError('no file meta information after DICM');
    }
    // No meta: guess from the first dataset element.
    const guess = bareSyntax(bytes.subarray(pos));
    if (!guess) throw new DicomFormatError('not a DICOM dataset (no file meta and no recognisable first element)');
    transferSyntax = guess.explicit ? TS.explicitLE : TS.implicitLE;
  }
  let body = bytes;
  let bodyView = view;
  if (transferSyntax === TS.deflatedLE) {
    const limit = options.maxInflatedBytes;
    try {
      // zlib stops at maxOutputLength instead of growing its output without bound.
      const inflated = inflateRawSync(bytes.subarray(pos), limit !== undefined ? { maxOutputLength: limit } : {});
      body = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
    } catch (err) {
      if (limit !== undefined && (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new DicomTooLargeError(`deflated data set expands beyond ${Math.round(limit / 1e6)} MB`);
      }
      throw new DicomFormatError(`the deflated dataset does not inflate (${(err as Error).message})`);
    }
    bodyView = new DataView(body.buffer, body.byteOffset, body.byteLength);
    pos = 0;
  }
  const little = transferSyntax !== TS.explicitBE;
  const explicit = transferSyntax !== TS.implicitLE;
  const reader = new Reader(body, bodyView, pos, little, explicit);
  const dataset = readDataset(reader, body.length, 0);
  return { meta, dataset, transferSyntax, layout };
}

// ---- value access -----------------------------------------------------------------------------

export function getString(ds: DicomDataset, tag: number): string | undefined {
  const s = text(ds.elements.get(tag));
  return s === undefined || s === '' ? undefined : s;
}

export function getStrings(ds: DicomDataset, tag: number): string[] | undefined {
  const s = getString(ds, tag);
  return s === undefined ? undefined : s.split('\\').map((x) => x.trim());
}

/** Decimal/integer string values (DS, IS) as numbers; undefined when absent; NaN for garbage. */
export function getNumbers(ds: DicomDataset, tag: number): number[] | undefined {
  const el = ds.elements.get(tag);
  if (!el || el.value.length === 0) return undefined;
  if (el.vr === 'FD' || el.vr === 'OD') {
    const dv = new DataView(el.value.buffer, el.value.byteOffset, el.value.byteLength);
    const out: number[] = [];
    for (let i = 0; i + 8 <= el.value.length; i += 8) out.push(dv.getFloat64(i, ds.littleEndian));
    return out;
  }
  if (el.vr === 'FL') {
    const dv = new DataView(el.value.buffer, el.value.byteOffset, el.value.byteLength);
    const out: number[] = [];
    for (let i = 0; i + 4 <= el.value.length; i += 4) out.push(dv.getFloat32(i, ds.littleEndian));
    return out;
  }
  const strs = getStrings(ds, tag);
  return strs?.map((s) => (s === '' ? NaN : Number(s)));
}

/** US/SS values (binary). In implicit VR the VR comes from a small table. */
export function getUint16(ds: DicomDataset, tag: number, index = 0): number | undefined {
  const el = ds.elements.get(tag);
  if (!el || el.value.length < 2 * (index + 1)) return undefined;
  const dv = new DataView(el.value.buffer, el.value.byteOffset, el.value.byteLength);
  return el.vr === 'SS' ? dv.getInt16(2 * index, ds.littleEndian) : dv.getUint16(2 * index, ds.littleEndian);
}

export function getSequence(ds: DicomDataset, tag: number): DicomDataset[] | undefined {
  const el = ds.elements.get(tag);
  if (!el) return undefined;
  if (el.items) return el.items;
  // Implicit VR SQ with a defined length that we did not know was SQ: parse its items now.
  if (el.value.length === 0) return [];
  const r = new Reader(el.value, new DataView(el.value.buffer, el.value.byteOffset, el.value.byteLength), 0, ds.littleEndian, false);
  return readItems(r, el.value.length, 1);
}
