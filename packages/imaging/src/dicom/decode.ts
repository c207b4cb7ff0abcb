import { InputError, type View } from '@vertxnet/core';
import { DEFAULT_MAX_PIXELS, type DecodeLimits } from '../image/types.js';
import {
  decodeHtj2k,
  decodeJ2k,
  decodeJpegBaseline,
  decodeJpegLossless,
  decodeJpegLs,
  decodeRle,
  type CodecFrame,
} from './codecs.js';
import type { DicomInfo } from '../image/dicom-info.js';
import { decodeJpegSequential } from './jpeg12.js';
import {
  DicomFormatError,
  DicomTooLargeError,
  getNumbers,
  getString,
  getStrings,
  getUint16,
  parseDicom,
  PIXEL_DATA,
  TS,
  type DicomDataset,
} from './parse.js';

/** Transfer syntaxes by UID: name and pixel codec. */
export const TRANSFER_SYNTAXES: Record<string, { name: string; codec: Codec | null }> = {
  [TS.implicitLE]: { name: 'Implicit VR Little Endian', codec: 'native' },
  [TS.explicitLE]: { name: 'Explicit VR Little Endian', codec: 'native' },
  [TS.deflatedLE]: { name: 'Deflated Explicit VR Little Endian', codec: 'native' },
  [TS.explicitBE]: { name: 'Explicit VR Big Endian', codec: 'native' },
  '1.2.840.10008.1.2.4.50': { name: 'JPEG Baseline', codec: 'jpeg' },
  '1.2.840.10008.1.2.4.51': { name: 'JPEG Extended', codec: 'jpeg' },
  '1.2.840.10008.1.2.4.57': { name: 'JPEG Lossless P14', codec: 'jpeg-lossless' },
  '1.2.840.10008.1.2.4.70': { name: 'JPEG Lossless SV1', codec: 'jpeg-lossless' },
  '1.2.840.10008.1.2.4.80': { name: 'JPEG-LS Lossless', codec: 'jpeg-ls' },
  '1.2.840.10008.1.2.4.81': { name: 'JPEG-LS Near-Lossless', codec: 'jpeg-ls' },
  '1.2.840.10008.1.2.4.90': { name: 'JPEG 2000 Lossless', codec: 'j2k' },
  '1.2.840.10008.1.2.4.91': { name: 'JPEG 2000', codec: 'j2k' },
  '1.2.840.10008.1.2.4.201': { name: 'HTJ2K Lossless', codec: 'htj2k' },
  '1.2.840.10008.1.2.4.202': { name: 'HTJ2K Lossless RPCL', codec: 'htj2k' },
  '1.2.840.10008.1.2.4.203': { name: 'HTJ2K', codec: 'htj2k' },
  '1.2.840.10008.1.2.5': { name: 'RLE Lossless', codec: 'rle' },
  '1.2.840.10008.1.2.4.100': { name: 'MPEG2', codec: null },
  '1.2.840.10008.1.2.4.101': { name: 'MPEG2 High Level', codec: null },
  '1.2.840.10008.1.2.4.102': { name: 'MPEG-4 AVC/H.264', codec: null },
  '1.2.840.10008.1.2.4.103': { name: 'MPEG-4 AVC/H.264 BD', codec: null },
  '1.2.840.10008.1.2.4.104': { name: 'MPEG-4 AVC/H.264 2D', codec: null },
  '1.2.840.10008.1.2.4.107': { name: 'HEVC/H.265', codec: null },
  '1.2.840.10008.1.2.4.91.1': { name: 'JPIP', codec: null },
};
const NOT_IMAGES: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.66.4': 'Segmentation',
  '1.2.840.10008.5.1.4.1.1.66.7': 'Label Map Segmentation',
  '1.2.840.10008.5.1.4.1.1.481.2': 'RT Dose',
};
type Codec = 'native' | 'jpeg' | 'jpeg-lossless' | 'jpeg-ls' | 'j2k' | 'htj2k' | 'rle';

export type { DicomInfo, PixelSpacingSource } from '../image/dicom-info.js';

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

const T = {
  sopClass: 0x00080016,
  sopInstance: 0x00080018,
  modality: 0x00080060,
  seriesDescription: 0x0008103e,
  bodyPart: 0x00180015,
  viewPosition: 0x00185101,
  imagerSpacing: 0x00181164,
  studyUid: 0x0020000d,
  seriesUid: 0x0020000e,
  samples: 0x00280002,
  photometric: 0x00280004,
  planar: 0x00280006,
  frames: 0x00280008,
  rows: 0x00280010,
  columns: 0x00280011,
  pixelSpacing: 0x00280030,
  bitsAllocated: 0x00280100,
  bitsStored: 0x00280101,
  pixelRepresentation: 0x00280103,
  windowCenter: 0x00281050,
  windowWidth: 0x00281051,
  rescaleIntercept: 0x00281052,
  rescaleSlope: 0x00281053,
  windowExplanation: 0x00281055,
  voiFunction: 0x00281056,
  modalityLutSeq: 0x00283000,
  lutDescriptor: 0x00283002,
  lutData: 0x00283006,
  voiLutSeq: 0x00283010,
  presentationShape: 0x20500020,
} as const;

/** View from Body Part Examined or, failing that, Series Description keywords. */
export function viewFromTags(bodyPart: string | undefined, seriesDescription: string | undefined): View | undefined {
  const norm = (s: string) => s.toUpperCase().replace(/[^A-Z]/g, '');
  if (bodyPart) {
    const b = norm(bodyPart);
    if (['CSPINE', 'NECK', 'CERVICALSPINE', 'CERVICAL', 'HWS'].includes(b)) return 'cervical';
    if (['LSPINE', 'LUMBARSPINE', 'LUMBAR', 'LWS', 'LUMBOSACRAL', 'SSPINE', 'SACRUM'].includes(b)) return 'lumbar';
  }
  if (seriesDescription) {
    const d = seriesDescription.toUpperCase();
    if (/\b(C[- ]?SPINE|CERVICAL|NECK|HWS)\b/.test(d)) return 'cervical';
    if (/\b(L[- ]?SPINE|LUMBAR|LUMBOSACRAL|LWS)\b/.test(d)) return 'lumbar';
  }
  return undefined;
}

/** Body Part Examined values (letters only, upper case) of films that are not of the cervical or lumbar spine. */
const OTHER_BODY_PARTS = new Set([
  'CHEST', 'THORAX', 'RIBS', 'TSPINE', 'THORACICSPINE', 'BWS', 'SKULL', 'HEAD', 'FACE', 'SINUS', 'ABDOMEN', 'BREAST',
  'SHOULDER', 'CLAVICLE', 'HUMERUS', 'ELBOW', 'FOREARM', 'WRIST', 'HAND', 'FINGER', 'HIP', 'FEMUR', 'KNEE', 'LEG',
  'ANKLE', 'FOOT', 'TOE', 'EXTREMITY', 'UPPEREXTREMITY', 'LOWEREXTREMITY', 'ARM',
]);

/** View Position values that are not a lateral projection (PS3.3 C.8.11.5: AP, PA, obliques). */
const FRONTAL_OR_OBLIQUE = new Set(['AP', 'PA', 'RLO', 'LLO', 'RAO', 'LAO', 'RPO', 'LPO', 'OBL', 'OBLIQUE', 'FRONTAL']);

/**
 * Why the tags say a film is out of scope (not a lateral cervical or lumbar film), or undefined
 * when they do not say so. View Position decides the projection; Body Part Examined the region;
 * Series Description only when it names a frontal or oblique projection or another region and
 * no lateral one (a series "L-SPINE AP+LAT" holds both, so it decides nothing).
 */
export function scopeFromTags(tags: { viewPosition?: string | undefined; bodyPart?: string | undefined; seriesDescription?: string | undefined }): string | undefined {
  const norm = (s: string) => s.toUpperCase().replace(/[^A-Z]/g, '');
  const position = tags.viewPosition ? norm(tags.viewPosition) : '';
  if (FRONTAL_OR_OBLIQUE.has(position)) return `DICOM View Position is ${position}, not lateral`;
  const bodyPart = tags.bodyPart ? norm(tags.bodyPart) : '';
  if (OTHER_BODY_PARTS.has(bodyPart)) return `DICOM Body Part Examined is ${bodyPart}, not the cervical or lumbar spine`;
  const description = tags.seriesDescription?.toUpperCase() ?? '';
  if (description && !/\b(LAT|LATERAL|LL|RL|SEITL(ICH)?)\b/.test(description)) {
    if (/\b(AP|PA|A\.P\.|P\.A\.|FRONTAL|OBL|OBLIQUE)\b/.test(description)) return 'DICOM Series Description names a frontal or oblique projection';
    if (/\b(CHEST|THORAX|THORACIC|T[- ]?SPINE|BWS|SKULL|HAND|KNEE|FOOT|PELVIS|HIP|SHOULDER)\b/.test(description)) {
      return 'DICOM Series Description names a region other than the cervical or lumbar spine';
    }
  }
  return undefined;
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

/** Frame 1's compressed bytes from the fragments (with or without a Basic Offset Table). */
function firstFrameFragments(fragments: Uint8Array[], frames: number, codec: Codec): Uint8Array {
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

function oneOf(v: number | undefined, what: string, name: string): number {
  if (v === undefined) throw fail(name, `${what} is missing`);
  return v;
}

/** Parses and decodes frame 1 to stored values. Throws InputError naming the file and the problem. */
export async function decodeDicomPixels(bytes: Uint8Array, name: string, limits: DecodeLimits = {}): Promise<DicomPixels> {
  let parsed;
  try {
    parsed = parseDicom(bytes, { maxInflatedBytes: inflateBudget(limits.maxPixels ?? DEFAULT_MAX_PIXELS) });
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
  const codec = ts.codec;
  const pixelEl = ds.elements.get(PIXEL_DATA);
  if (!pixelEl) {
    const sop = getString(ds, T.sopClass);
    throw fail(name, `DICOM has no pixel data${sop ? ` (SOP class ${sop})` : ''}`, 'INPUT_NOT_IMAGE');
  }
  const sopClass = getString(ds, T.sopClass);
  if (sopClass && NOT_IMAGES[sopClass]) {
    throw fail(name, `DICOM is a ${NOT_IMAGES[sopClass]} (SOP class ${sopClass}), not a radiograph`, 'INPUT_NOT_IMAGE');
  }
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
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (rows * cols > maxPixels) {
    throw fail(name, `image is ${cols}x${rows} (${(rows * cols / 1e6).toFixed(1)} megapixels), over the limit of ${(maxPixels / 1e6).toFixed(1)} megapixels`, 'INPUT_TOO_LARGE');
  }
  if (spp !== 1 || (photometric !== 'MONOCHROME1' && photometric !== 'MONOCHROME2')) {
    throw fail(name, `photometric interpretation ${photometric} with ${spp} samples per pixel is not supported (grayscale radiographs only)`, 'INPUT_UNSUPPORTED');
  }
  if (bitsAllocated !== 8 && bitsAllocated !== 16) {
    throw fail(name, `${bitsAllocated} bits allocated per pixel is not supported (8 or 16)`, 'INPUT_UNSUPPORTED');
  }
  if (bitsStored < 1 || bitsStored > bitsAllocated) throw fail(name, `Bits Stored ${bitsStored} does not fit Bits Allocated ${bitsAllocated}`);
  const pixels = rows * cols;
  const bytesPerSample = bitsAllocated / 8;

  let frame: Uint8Array; // little-endian words
  if (codec === 'native') {
    if (pixelEl.fragments) throw fail(name, 'pixel data is encapsulated but the transfer syntax is uncompressed');
    const need = pixels * bytesPerSample;
    if (pixelEl.value.length < need) {
      throw fail(name, `pixel data is truncated: ${pixelEl.value.length} bytes for a ${cols}x${rows} frame of ${need} bytes`);
    }
    frame = pixelEl.value.subarray(0, need);
    if (!ds.littleEndian && bytesPerSample === 2) {
      const swapped = new Uint8Array(need);
      for (let i = 0; i < need; i += 2) {
        swapped[i] = frame[i + 1]!;
        swapped[i + 1] = frame[i]!;
      }
      frame = swapped;
    }
  } else {
    if (!pixelEl.fragments) throw fail(name, `pixel data is not encapsulated but the transfer syntax is ${ts.name}`);
    let encoded: Uint8Array;
    try {
      encoded = firstFrameFragments(pixelEl.fragments, frames, codec);
    } catch (err) {
      throw fail(name, `${ts.name} pixel data: ${(err as Error).message}`, 'INPUT_CORRUPT', err);
    }
    try {
      frame = await decodeFrame(codec, encoded, pixels, bytesPerSample, bitsAllocated, rows, cols);
    } catch (err) {
      const detail = err instanceof Error ? err.message : typeof err === 'number' ? `codec error ${err}` : String(err);
      throw fail(name, `${ts.name} pixel data does not decode (${detail})`, 'INPUT_CORRUPT', err);
    }
  }
  // Raw words and stored values.
  const raw = bytesPerSample === 2 ? new Uint16Array(frame.buffer.slice(frame.byteOffset, frame.byteOffset + pixels * 2)) : new Uint8Array(frame);
  const values = new Int32Array(pixels);
  const mask = bitsStored >= 32 ? 0xffffffff : (1 << bitsStored) - 1;
  const signBit = 1 << (bitsStored - 1);
  for (let i = 0; i < pixels; i++) {
    let v = raw[i]! & mask;
    if (signed && v & signBit) v -= 1 << bitsStored;
    values[i] = v;
  }

  const info = describe(ds, transferSyntax, ts.name, bitsAllocated as 8 | 16, bitsStored, signed, frames, photometric as 'MONOCHROME1' | 'MONOCHROME2');
  return { width: cols, height: rows, values, raw, info, dataset: ds };
}

async function decodeFrame(codec: Codec, encoded: Uint8Array, pixels: number, bytesPerSample: number, bitsAllocated: number, rows: number, cols: number): Promise<Uint8Array> {
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
        return check({ width: f.width, height: f.height, bitsPerSample: f.precision, componentCount: 1, isSigned: false, bytes: new Uint8Array(f.data.buffer) });
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
  for (let i = 2; i + 4 < b.length; ) {
    if (b[i] !== 0xff) return 0;
    const m = b[i + 1]!;
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return b[i + 4]!;
    const len = (b[i + 2]! << 8) | b[i + 3]!;
    i += 2 + len;
  }
  return 0;
}

function describe(
  ds: DicomDataset,
  uid: string,
  tsName: string,
  bitsAllocated: 8 | 16,
  bitsStored: number,
  signed: boolean,
  frames: number,
  photometric: 'MONOCHROME1' | 'MONOCHROME2',
): DicomInfo {
  const info: DicomInfo = {
    transferSyntax: { uid, name: tsName },
    photometric,
    bitsAllocated,
    bitsStored,
    signed,
    frames,
    window: { kind: 'percentile', low: 0.5, high: 99.5 },
    inverted: false,
    modalityTransform: 'none',
  };
  const set = <K extends keyof DicomInfo>(k: K, v: DicomInfo[K] | undefined) => {
    if (v !== undefined) info[k] = v;
  };
  set('sopInstanceUid', getString(ds, T.sopInstance));
  set('sopClassUid', getString(ds, T.sopClass));
  set('seriesInstanceUid', getString(ds, T.seriesUid));
  set('studyInstanceUid', getString(ds, T.studyUid));
  set('modality', getString(ds, T.modality));
  if (frames > 1) info.frameNote = `frame 1 of ${frames} used`;
  for (const [tag, source] of [
    [T.pixelSpacing, 'PixelSpacing'],
    [T.imagerSpacing, 'ImagerPixelSpacing'],
  ] as const) {
    const v = getNumbers(ds, tag);
    if (v && v.length >= 2 && v.every((x) => Number.isFinite(x) && x > 0)) {
      info.pixelSpacing = { row: v[0]!, column: v[1]!, source };
      break;
    }
  }
  const shape = getString(ds, T.presentationShape)?.toUpperCase();
  // MONOCHROME1 images carry INVERSE as a restatement of the same inversion (DX IOD), not a second one.
  info.inverted = photometric === 'MONOCHROME1' || shape === 'INVERSE';
  set('view', viewFromTags(getString(ds, T.bodyPart), getString(ds, T.seriesDescription)));
  set('outOfScope', scopeFromTags({ viewPosition: getString(ds, T.viewPosition), bodyPart: getString(ds, T.bodyPart), seriesDescription: getString(ds, T.seriesDescription) }));
  return info;
}

// ---- rendering to the canonical 8-bit image ---------------------------------------------------

interface Lut {
  first: number;
  bits: number;
  data: Int32Array;
}

function readLut(item: DicomDataset, littleEndian: boolean): Lut | undefined {
  const desc = [0, 1, 2].map((i) => getUint16(item, T.lutDescriptor, i));
  const dataEl = item.elements.get(T.lutData);
  if (desc.some((d) => d === undefined) || !dataEl) return undefined;
  const entries = desc[0] === 0 ? 65536 : desc[0]!;
  // First mapped value is US or SS depending on the pixel representation; treat >32767 as signed only when read as SS.
  const first = desc[1]!;
  const bits = desc[2]!;
  const dv = new DataView(dataEl.value.buffer, dataEl.value.byteOffset, dataEl.value.byteLength);
  const data = new Int32Array(entries);
  if (bits <= 8 && dataEl.value.length === entries) {
    for (let i = 0; i < entries; i++) data[i] = dataEl.value[i]!;
  } else {
    if (dataEl.value.length < entries * 2) return undefined;
    for (let i = 0; i < entries; i++) data[i] = dv.getUint16(2 * i, littleEndian);
  }
  return { first, bits, data };
}

const lutAt = (lut: Lut, x: number) => lut.data[Math.min(lut.data.length - 1, Math.max(0, Math.round(x) - lut.first))]!;

/**
 * The canonical 8-bit grey image of a decoded DICOM frame, bone bright:
 * stored value → Modality LUT Sequence or Rescale Slope/Intercept → the first VOI LUT Sequence item,
 * else the first Window Center/Width (LINEAR, LINEAR_EXACT or SIGMOID), else the 0.5th–99.5th
 * nearest-rank percentile window → inverted for MONOCHROME1 (or Presentation LUT Shape INVERSE
 * on MONOCHROME2). Sets info.window, info.inverted and info.modalityTransform.
 */
export function renderCanonical(px: DicomPixels): Uint8Array {
  const { values, dataset: ds, info } = px;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (values.length === 0) return new Uint8Array(0);
  const span = max - min + 1;
  // Modality transform per distinct stored value.
  const modality = new Float64Array(span);
  const modLut = getSequence0(ds, T.modalityLutSeq);
  const mlut = modLut ? readLut(modLut, ds.littleEndian) : undefined;
  if (mlut) {
    info.modalityTransform = 'modality-lut';
    for (let k = 0; k < span; k++) modality[k] = lutAt(mlut, min + k);
  } else {
    const slope = getNumbers(ds, T.rescaleSlope)?.[0];
    const intercept = getNumbers(ds, T.rescaleIntercept)?.[0];
    const s = slope !== undefined && Number.isFinite(slope) && slope !== 0 ? slope : 1;
    const b = intercept !== undefined && Number.isFinite(intercept) ? intercept : 0;
    if (s !== 1 || b !== 0) info.modalityTransform = 'rescale';
    for (let k = 0; k < span; k++) modality[k] = (min + k) * s + b;
  }
  const out8 = new Uint8Array(span);
  const voiItem = getSequence0(ds, T.voiLutSeq);
  const vlut = voiItem ? readLut(voiItem, ds.littleEndian) : undefined;
  const centers = getNumbers(ds, T.windowCenter);
  const widths = getNumbers(ds, T.windowWidth);
  const c = centers?.[0];
  const w = widths?.[0];
  if (vlut) {
    const top = 2 ** vlut.bits - 1;
    for (let k = 0; k < span; k++) out8[k] = clamp8((lutAt(vlut, modality[k]!) / top) * 255);
    const explanation = voiItem ? getString(voiItem, 0x00283003) : undefined;
    info.window = { kind: 'voi-lut', ...(explanation ? { explanation } : {}) };
  } else if (c !== undefined && w !== undefined && Number.isFinite(c) && Number.isFinite(w) && w >= 1) {
    const fn = (getString(ds, T.voiFunction) ?? 'LINEAR').toUpperCase();
    for (let k = 0; k < span; k++) {
      const x = modality[k]!;
      let y: number;
      if (fn === 'SIGMOID') y = 255 / (1 + Math.exp((-4 * (x - c)) / w));
      else if (fn === 'LINEAR_EXACT') y = ((x - c) / w + 0.5) * 255;
      else if (x <= c - 0.5 - (w - 1) / 2) y = 0;
      else if (x > c - 0.5 + (w - 1) / 2) y = 255;
      else y = ((x - (c - 0.5)) / (w - 1) + 0.5) * 255;
      out8[k] = clamp8(y);
    }
    const explanation = getStrings(ds, T.windowExplanation)?.[0];
    info.window = { kind: 'window', center: c, width: w, ...(explanation ? { explanation } : {}) };
  } else {
    // Percentile window over the modality values (nearest rank, as for other 16-bit images).
    const hist = new Uint32Array(span);
    for (let i = 0; i < values.length; i++) hist[values[i]! - min]!++;
    const order = Array.from({ length: span }, (_, k) => k).filter((k) => hist[k]! > 0);
    order.sort((a, b) => modality[a]! - modality[b]!);
    const pct = (p: number) => {
      const rank = Math.min(values.length, Math.max(1, Math.ceil((p / 100) * values.length)));
      let cum = 0;
      for (const k of order) {
        cum += hist[k]!;
        if (cum >= rank) return modality[k]!;
      }
      return modality[order[order.length - 1]!]!;
    };
    const lo = pct(0.5);
    const hi = pct(99.5);
    const top = hi <= lo ? lo + 1 : hi;
    const scale = 255 / (top - lo);
    for (let k = 0; k < span; k++) out8[k] = clamp8(Math.floor((modality[k]! - lo) * scale + 0.5));
    info.window = { kind: 'percentile', low: 0.5, high: 99.5 };
  }
  const out = new Uint8Array(values.length);
  if (info.inverted) for (let k = 0; k < span; k++) out8[k] = 255 - out8[k]!;
  for (let i = 0; i < values.length; i++) out[i] = out8[values[i]! - min]!;
  return out;
}

function clamp8(y: number): number {
  const r = Math.round(y);
  return r < 0 ? 0 : r > 255 ? 255 : r;
}

function getSequence0(ds: DicomDataset, tag: number): DicomDataset | undefined {
  const el = ds.elements.get(tag);
  return el?.items?.[0];
}
