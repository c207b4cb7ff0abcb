import { InputError } from '@vertxnet/core';
import type { DicomInfo } from '../image/dicom-info.js';
import { DEFAULT_MAX_PIXELS, type DecodeLimits } from '../image/types.js';
import { describe } from './describe.js';
import { decodeFrame, firstFrameFragments } from './frame.js';
import { DicomFormatError, DicomTooLargeError, getString, getUint16, parseDicom, PIXEL_DATA, type DicomDataset, type DicomElement } from './parse.js';
import { T } from './tags.js';
import { NOT_IMAGES, TRANSFER_SYNTAXES, type Codec } from './transfer-syntax.js';

/** The first frame's stored values (sign-extended, high bits masked) and the file's description. */
export interface DicomPixels {
  width: number;
  height: number;
  /** Stored values of frame 1, row-major. */
  values: Int32Array;
  /** The raw words as the codec or file gave them (bitsAllocated wide, little-endian, unmasked). */
  raw: Uint8Array | Uint16Array;
  info: DicomInfo;
  dataset: DicomDataset;
}

/**
 * The most a Deflated dataset may inflate to: one 16-bit frame at the pixel limit plus room for
 * the header. Without it a few MB of zeros inflate to gigabytes before any size check runs.
 */
export function inflateBudget(maxPixels: number): number {
  return 2 * maxPixels + 16 * 1024 * 1024;
}

function fail(name: string, cause: string, code = 'INPUT_CORRUPT', err?: unknown): InputError {
  return InputError.forFile(name, cause, { code, ...(err !== undefined ? { cause: err } : {}) });
}

function oneOf(v: number | undefined, what: string, name: string): number {
  if (v === undefined) throw fail(name, `${what} is missing`);
  return v;
}

/** The grey image frame 1 holds, as the header describes it. */
interface ImageHeader {
  rows: number;
  cols: number;
  bitsAllocated: 8 | 16;
  bitsStored: number;
  signed: boolean;
  photometric: 'MONOCHROME1' | 'MONOCHROME2';
  frames: number;
}

/** The parsed file, its transfer syntax (which must have a codec) and its pixel data element. */
function parseForPixels(bytes: Uint8Array, name: string, maxPixels: number) {
  let parsed;
  try {
    parsed = parseDicom(bytes, { maxInflatedBytes: inflateBudget(maxPixels) });
  } catch (err) {
    if (err instanceof DicomTooLargeError) throw fail(name, err.message, 'INPUT_TOO_LARGE', err);
    if (err instanceof DicomFormatError) throw fail(name, `DICOM file is broken: ${err.message}`, 'INPUT_CORRUPT', err);
    throw fail(name, 'DICOM cannot be parsed', 'INPUT_CORRUPT', err);
  }
  const { dataset: ds, transferSyntax } = parsed;
  const ts = TRANSFER_SYNTAXES[transferSyntax];
  if (!ts || !ts.codec) {
    throw fail(name, `transfer syntax ${transferSyntax}${ts ? ` (${ts.name})` : ''} is not supported`, 'INPUT_UNSUPPORTED');
  }
  const pixelEl = ds.elements.get(PIXEL_DATA);
  if (!pixelEl) {
    const sop = getString(ds, T.sopClass);
    throw fail(name, `DICOM has no pixel data${sop ? ` (SOP class ${sop})` : ''}`, 'INPUT_NOT_IMAGE');
  }
  const sopClass = getString(ds, T.sopClass);
  if (sopClass && NOT_IMAGES[sopClass]) {
    throw fail(name, `DICOM is a ${NOT_IMAGES[sopClass]} (SOP class ${sopClass}), not a radiograph`, 'INPUT_NOT_IMAGE');
  }
  return { ds, transferSyntax, ts: { name: ts.name, codec: ts.codec }, pixelEl };
}

/** The image header, refused unless it is one grey sample of 8 or 16 bits within the pixel limit. */
function readImageHeader(ds: DicomDataset, name: string, maxPixels: number): ImageHeader {
  const rows = oneOf(getUint16(ds, T.rows), 'Rows (0028,0010)', name);
  const cols = oneOf(getUint16(ds, T.columns), 'Columns (0028,0011)', name);
  const bitsAllocated = oneOf(getUint16(ds, T.bitsAllocated), 'Bits Allocated (0028,0100)', name);
  const bitsStored = getUint16(ds, T.bitsStored) ?? bitsAllocated;
  const signed = getUint16(ds, T.pixelRepresentation) === 1;
  const spp = getUint16(ds, T.samples) ?? 1;
  const photometric = getString(ds, T.photometric) ?? 'MONOCHROME2';
  const framesText = getString(ds, T.frames);
  const frames = framesText === undefined ? 1 : Number(framesText);
  if (!Number.isInteger(frames) || frames < 1) throw fail(name, `Number of Frames '${framesText}' is not a positive integer`);
  if (rows === 0 || cols === 0) throw fail(name, `image is ${cols}x${rows}`);
  if (rows * cols > maxPixels) {
    throw fail(
      name,
      `image is ${cols}x${rows} (${((rows * cols) / 1e6).toFixed(1)} megapixels), over the limit of ${(maxPixels / 1e6).toFixed(1)} megapixels`,
      'INPUT_TOO_LARGE',
    );
  }
  if (spp !== 1 || (photometric !== 'MONOCHROME1' && photometric !== 'MONOCHROME2')) {
    throw fail(
      name,
      `photometric interpretation ${photometric} with ${spp} samples per pixel is not supported (grayscale radiographs only)`,
      'INPUT_UNSUPPORTED',
    );
  }
  if (bitsAllocated !== 8 && bitsAllocated !== 16) {
    throw fail(name, `${bitsAllocated} bits allocated per pixel is not supported (8 or 16)`, 'INPUT_UNSUPPORTED');
  }
  if (bitsStored < 1 || bitsStored > bitsAllocated) throw fail(name, `Bits Stored ${bitsStored} does not fit Bits Allocated ${bitsAllocated}`);
  return { rows, cols, bitsAllocated: bitsAllocated as 8 | 16, bitsStored, signed, photometric: photometric as 'MONOCHROME1' | 'MONOCHROME2', frames };
}

/** Frame 1 of uncompressed pixel data as little-endian words. */
function nativeFrame(pixelEl: DicomElement, ds: DicomDataset, h: ImageHeader, name: string): Uint8Array {
  if (pixelEl.fragments) throw fail(name, 'pixel data is encapsulated but the transfer syntax is uncompressed');
  const bytesPerSample = h.bitsAllocated / 8;
  const need = h.rows * h.cols * bytesPerSample;
  if (pixelEl.value.length < need) {
    throw fail(name, `pixel data is truncated: ${pixelEl.value.length} bytes for a ${h.cols}x${h.rows} frame of ${need} bytes`);
  }
  let frame = pixelEl.value.subarray(0, need);
  if (!ds.littleEndian && bytesPerSample === 2) {
    const swapped = new Uint8Array(need);
    for (let i = 0; i < need; i += 2) {
      swapped[i] = frame[i + 1]!;
      swapped[i + 1] = frame[i]!;
    }
    frame = swapped;
  }
  return frame;
}

/** Frame 1 of encapsulated (compressed) pixel data, decoded to little-endian words. */
async function encapsulatedFrame(pixelEl: DicomElement, ts: { name: string; codec: Codec }, h: ImageHeader, name: string): Promise<Uint8Array> {
  if (!pixelEl.fragments) throw fail(name, `pixel data is not encapsulated but the transfer syntax is ${ts.name}`);
  let encoded: Uint8Array;
  try {
    encoded = firstFrameFragments(pixelEl.fragments, h.frames, ts.codec);
  } catch (err) {
    throw fail(name, `${ts.name} pixel data: ${(err as Error).message}`, 'INPUT_CORRUPT', err);
  }
  try {
    return await decodeFrame(ts.codec, encoded, h.rows * h.cols, h.bitsAllocated / 8, h.bitsAllocated, h.rows, h.cols);
  } catch (err) {
    const detail = err instanceof Error ? err.message : typeof err === 'number' ? `codec error ${err}` : String(err);
    throw fail(name, `${ts.name} pixel data does not decode (${detail})`, 'INPUT_CORRUPT', err);
  }
}

/** The raw words of a frame and its stored values: high bits masked, sign-extended when signed. */
function storedValues(frame: Uint8Array, h: ImageHeader): { raw: Uint8Array | Uint16Array; values: Int32Array } {
  const pixels = h.rows * h.cols;
  const { bitsStored, signed } = h;
  const raw = h.bitsAllocated === 16 ? new Uint16Array(frame.buffer.slice(frame.byteOffset, frame.byteOffset + pixels * 2)) : new Uint8Array(frame);
  const values = new Int32Array(pixels);
  const mask = bitsStored >= 32 ? 0xffffffff : (1 << bitsStored) - 1;
  const signBit = 1 << (bitsStored - 1);
  for (let i = 0; i < pixels; i++) {
    let v = raw[i]! & mask;
    if (signed && v & signBit) v -= 1 << bitsStored;
    values[i] = v;
  }
  return { raw, values };
}

/** Parses and decodes frame 1 to stored values. Throws InputError naming the file and the problem. */
export async function decodeDicomPixels(bytes: Uint8Array, name: string, limits: DecodeLimits = {}): Promise<DicomPixels> {
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_PIXELS;
  const { ds, transferSyntax, ts, pixelEl } = parseForPixels(bytes, name, maxPixels);
  const h = readImageHeader(ds, name, maxPixels);
  const frame = ts.codec === 'native' ? nativeFrame(pixelEl, ds, h, name) : await encapsulatedFrame(pixelEl, ts, h, name);
  const { raw, values } = storedValues(frame, h);
  const info = describe(ds, transferSyntax, ts.name, h.bitsAllocated, h.bitsStored, h.signed, h.frames, h.photometric);
  return { width: h.cols, height: h.rows, values, raw, info, dataset: ds };
}
