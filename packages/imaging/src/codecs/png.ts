import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { InputError } from '@vertxnet/core';
import type { CanonicalImage } from '../image/types.js';

export type PngChannels = 1 | 2 | 3 | 4;

/**
 * Encodes interleaved samples losslessly as PNG: Uint8Array → 8-bit, Uint16Array → 16-bit.
 * Label masks rely on the values coming back exactly.
 */
export async function encodePng(data: Uint8Array | Uint16Array, width: number, height: number, channels: PngChannels = 1): Promise<Buffer> {
  if (data.length !== width * height * channels) {
    throw new RangeError(`encodePng: ${data.length} samples for ${width}x${height}x${channels}`);
  }
  const sixteen = data instanceof Uint16Array;
  const colourspace = channels <= 2 ? (sixteen ? 'grey16' : 'b-w') : sixteen ? 'rgb16' : 'srgb';
  return sharp(data, { raw: { width, height, channels } }).toColourspace(colourspace).png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer();
}

/**
 * Decodes a canonical image or label mask: an 8-bit single-channel PNG, values untouched.
 * Anything else is refused (InputError) rather than silently converted.
 */
export async function decodeCanonicalPng(buf: Buffer, name = 'image.png'): Promise<CanonicalImage> {
  let meta: Metadata;
  let raw: { data: Buffer; info: OutputInfo };
  try {
    meta = await sharp(buf, { failOn: 'error' }).metadata();
    if (meta.format !== 'png' || meta.depth !== 'uchar' || meta.channels !== 1) {
      throw InputError.forFile(name, `not a canonical image (want 8-bit grey PNG, got ${meta.format} ${meta.depth} x${meta.channels})`);
    }
    raw = await sharp(buf, { failOn: 'error' }).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw InputError.forFile(name, 'PNG is truncated or corrupt', { cause: err, code: 'INPUT_CORRUPT' });
  }
  const { data, info } = raw;
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
