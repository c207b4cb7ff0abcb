import sharp from 'sharp';
import type { Phantom } from './phantom.js';

/** What encoding needs of a film (phantoms and out-of-scope negatives alike). */
export type EncodableFilm = Pick<Phantom, 'width' | 'height' | 'pixels' | 'format' | 'jpegQuality'>;

/** File extension for a phantom's image. */
export function imageExtension(phantom: EncodableFilm): 'png' | 'jpg' {
  return phantom.format === 'jpeg' ? 'jpg' : 'png';
}

/** Encodes the image as 8-bit PNG, 16-bit PNG or 8-bit JPEG (one grey channel). */
export async function encodeImage(phantom: EncodableFilm): Promise<Buffer> {
  const { width, height, pixels } = phantom;
  const raw = { raw: { width, height, channels: 1 as const } };
  if (phantom.format === 'png16') return sharp(pixels, raw).toColourspace('grey16').png({ compressionLevel: 6 }).toBuffer();
  const base = sharp(pixels, raw).toColourspace('b-w');
  if (phantom.format === 'jpeg') return base.jpeg({ quality: phantom.jpegQuality, chromaSubsampling: '4:4:4' }).toBuffer();
  return base.png({ compressionLevel: 6 }).toBuffer();
}

/** Encodes the label mask as an 8-bit grey PNG (pixel = VerSe code). */
export async function encodeLabelMask(phantom: Phantom): Promise<Buffer> {
  return sharp(phantom.labelMask, { raw: { width: phantom.width, height: phantom.height, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 6 })
    .toBuffer();
}
