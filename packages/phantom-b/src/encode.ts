import { PNG } from 'pngjs';
import sharp from 'sharp';

/** Quantises display values 0..1 to 8 bits. */
export function toGray8(pixels: Float32Array): Uint8Array {
  const out = new Uint8Array(pixels.length);
  for (let k = 0; k < pixels.length; k++) out[k] = Math.round(Math.min(1, Math.max(0, pixels[k]!)) * 255);
  return out;
}

/** Grayscale PNG, 8-bit (sharp) or 16-bit (pngjs, which writes 16-bit gray directly). */
export async function encodePng(pixels: Float32Array, width: number, height: number, bits: 8 | 16): Promise<Buffer> {
  if (bits === 8) {
    return sharp(Buffer.from(toGray8(pixels).buffer), { raw: { width, height, channels: 1 } })
      .png({ compressionLevel: 6 })
      .toBuffer();
  }
  const words = new Uint16Array(pixels.length);
  for (let k = 0; k < pixels.length; k++) words[k] = Math.round(Math.min(1, Math.max(0, pixels[k]!)) * 65535);
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: 16, inputHasAlpha: false });
  png.data = Buffer.from(words.buffer);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 16, inputHasAlpha: false });
}
