import { PNG } from 'pngjs';
import sharp from 'sharp';
import type { Film } from './film.js';

/** An encoded film: the file's bytes and extension, and a small 8-bit preview for the contact sheet. */
export interface Encoded {
  data: Buffer;
  ext: 'png' | 'jpg';
}

function eightBit(film: Film): Buffer {
  const out = Buffer.alloc(film.width * film.height);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, film.pixels[i]!)) * 255);
  return out;
}

/**
 * 16 bits: a grayscale PNG. 8 bits: a grayscale PNG, or for the share of films exported that way a
 * baseline JPEG at the film's own quality, as PACS exports often are.
 */
export async function encodeFilm(film: Film, bits: 8 | 16): Promise<Encoded> {
  if (bits === 16) {
    const words = new Uint16Array(film.width * film.height);
    for (let i = 0; i < words.length; i++) words[i] = Math.round(Math.min(1, Math.max(0, film.pixels[i]!)) * 65535);
    const data = PNG.sync.write(Object.assign(new PNG({ width: film.width, height: film.height }), { data: Buffer.from(words.buffer) }), {
      colorType: 0,
      inputColorType: 0,
      bitDepth: 16,
      inputHasAlpha: false,
    });
    return { data, ext: 'png' };
  }
  const raw = sharp(eightBit(film), { raw: { width: film.width, height: film.height, channels: 1 } }).toColourspace('b-w');
  if (film.jpegQuality !== null) return { data: await raw.jpeg({ quality: film.jpegQuality }).toBuffer(), ext: 'jpg' };
  return { data: await raw.png({ compressionLevel: 6 }).toBuffer(), ext: 'png' };
}

/** A 256-pixel-wide thumbnail for the contact sheet. */
export async function preview(film: Film): Promise<Buffer> {
  return sharp(eightBit(film), { raw: { width: film.width, height: film.height, channels: 1 } })
    .resize(256, 256, { fit: 'contain', background: { r: 0, g: 0, b: 0 } })
    .toColourspace('b-w')
    .png()
    .toBuffer();
}
