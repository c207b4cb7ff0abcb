import { looksLikeDicom } from '../dicom/parse.js';
import type { ImageFormat } from '../image/types.js';

export type SniffResult = { kind: 'image'; format: ImageFormat } | { kind: 'dicom' } | { kind: 'empty' } | { kind: 'text' } | { kind: 'other'; name?: string };

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Formats we recognise but do not decode, so the refusal can say what the file is. */
const KNOWN_OTHERS: Array<[number[], string]> = [
  [[0x42, 0x4d], 'BMP'],
  [[0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20], 'JPEG 2000'],
  [[0xff, 0x4f, 0xff, 0x51], 'JPEG 2000'],
  [[0x25, 0x50, 0x44, 0x46], 'PDF'],
  [[0x50, 0x4b, 0x03, 0x04], 'ZIP archive'],
  [[0x1f, 0x8b], 'gzip archive'],
];

function startsWith(bytes: Uint8Array, magic: number[], offset = 0): boolean {
  if (bytes.length < offset + magic.length) return false;
  return magic.every((b, i) => bytes[offset + i] === b);
}

/** What the content is, from its magic bytes, never from the file name. */
export function sniffFormat(bytes: Uint8Array): SniffResult {
  if (bytes.length === 0) return { kind: 'empty' };
  // DICM first: a DICOM preamble may itself hold a TIFF header (dual-personality files).
  if (startsWith(bytes, [0x44, 0x49, 0x43, 0x4d], 128)) return { kind: 'dicom' };
  if (startsWith(bytes, PNG)) return { kind: 'image', format: 'png' };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: 'image', format: 'jpeg' };
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) return { kind: 'image', format: 'gif' };
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
    return { kind: 'image', format: 'tiff' };
  }
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) {
    return { kind: 'other', name: 'WebP' };
  }
  for (const [magic, name] of KNOWN_OTHERS) if (startsWith(bytes, magic)) return { kind: 'other', name };
  if (looksLikeDicom(bytes)) return { kind: 'dicom' };
  if (looksLikeText(bytes)) return { kind: 'text' };
  return { kind: 'other' };
}

/** Valid UTF-8 without control characters other than whitespace, judged on the first 1 KiB. */
function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 1024);
  let text: string;
  try {
    // stream: a multi-byte character cut by the 1 KiB window is not an error.
    text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: bytes.length > head.length });
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text);
}
