import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { decodeDicom } from '../dicom/index.js';
import { InputError } from '@vertxnet/core';
import { rgbToLuma } from '../codecs/canonical.js';
import { sniffFormat } from './sniff.js';
import { DEFAULT_MAX_PIXELS, type DecodedImage, type DecodeLimits, type ImageFormat } from '../image/types.js';

const FORMAT_NAMES: Record<ImageFormat, string> = { png: 'PNG', jpeg: 'JPEG', tiff: 'TIFF', gif: 'GIF', dicom: 'DICOM' };

// 'error' aborts on truncated or corrupt pixel data rather than returning half an image;
// 'warning' would also refuse files that only carry harmless oddities.
const FAIL_ON = 'error' as const;

/**
 * Decodes a PNG, JPEG, TIFF or GIF (8 or 16 bits; the first page or frame only) into one grey
 * channel: RGB → ITU-R 601 luma, alpha dropped, EXIF orientation applied. `name` is only used in
 * error messages (basename). Throws InputError, with a reason a person understands, for anything
 * it cannot decode.
 */
export async function decodeImage(bytes: Buffer, name: string, limits: DecodeLimits = {}): Promise<DecodedImage> {
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_PIXELS;
  const sniffed = sniffFormat(bytes);
  switch (sniffed.kind) {
    case 'empty':
      throw InputError.forFile(name, 'empty file (0 bytes)', { code: 'INPUT_EMPTY' });
    case 'text':
      throw InputError.forFile(name, 'not an image (the content is text)', { code: 'INPUT_NOT_IMAGE' });
    case 'dicom':
      return decodeDicom(bytes, name, limits);
    case 'other':
      throw InputError.forFile(
        name,
        sniffed.name ? `${sniffed.name} is not a supported image format (use PNG, JPEG, TIFF or GIF)` : 'not an image (unrecognised content)',
        { code: sniffed.name ? 'INPUT_UNSUPPORTED' : 'INPUT_NOT_IMAGE' },
      );
    case 'image':
      break;
  }
  const { format } = sniffed;
  const corrupt = (cause: unknown) => InputError.forFile(name, `${FORMAT_NAMES[format]} is truncated or corrupt`, { cause, code: 'INPUT_CORRUPT' });

  // The header alone: refuse bombs before a single pixel is decompressed.
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { failOn: FAIL_ON, limitInputPixels: false }).metadata();
  } catch (err) {
    throw corrupt(err);
  }
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw corrupt(new Error('no dimensions in header'));
  if (width * height > maxPixels) {
    throw InputError.forFile(
      name,
      `image is ${width}x${height} (${megapixels(width * height)} megapixels), over the limit of ${megapixels(maxPixels)} megapixels`,
      { code: 'INPUT_TOO_LARGE' },
    );
  }
  if (meta.depth !== 'uchar' && meta.depth !== 'ushort') {
    throw InputError.forFile(name, `${FORMAT_NAMES[format]} with ${meta.depth} samples is not supported (use 8 or 16 bits)`, {
      code: 'INPUT_UNSUPPORTED',
    });
  }

  const sixteen = meta.depth === 'ushort';
  const grey = meta.space === 'b-w' || meta.space === 'grey16';
  let raw: { data: Buffer; info: OutputInfo };
  try {
    raw = await sharp(bytes, { failOn: FAIL_ON, limitInputPixels: maxPixels, autoOrient: true })
      .removeAlpha()
      .toColourspace(grey ? (sixteen ? 'grey16' : 'b-w') : sixteen ? 'rgb16' : 'srgb')
      .raw({ depth: sixteen ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw corrupt(err);
  }

  const { info } = raw;
  const pixels = info.width * info.height;
  const samples = sixteen ? toUint16(raw.data) : new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.length);
  if (samples.length !== pixels * info.channels || (info.channels !== 1 && info.channels !== 3)) {
    throw corrupt(new Error(`unexpected raw layout: ${info.channels} channels, ${samples.length} samples`));
  }
  const data = info.channels === 1 ? samples : rgbToLuma(samples, pixels);
  // sharp reads page 1 unless told otherwise; say so when there were more.
  const pages = meta.pages ?? 1;
  return {
    width: info.width,
    height: info.height,
    bitsStored: sixteen ? 16 : 8,
    data,
    format,
    ...(pages > 1 ? { frameNote: format === 'gif' ? `animated: frame 1 of ${pages} used` : `multi-page: page 1 of ${pages} used` } : {}),
  };
}

/** sharp's raw ushort output is native-endian; copy when the Buffer is not 2-byte aligned. */
function toUint16(buf: Buffer): Uint16Array {
  if (buf.byteOffset % 2 === 0) return new Uint16Array(buf.buffer, buf.byteOffset, buf.length / 2);
  const copy = new Uint8Array(buf);
  return new Uint16Array(copy.buffer, 0, copy.length / 2);
}

function megapixels(pixels: number): string {
  return String(Number((pixels / 1_000_000).toFixed(1)));
}
