import { frameFor, type Frame, InputError } from '@vertxnet/core';
import { resizeBilinear } from './resample.js';

/** An 8-bit image placed in the analysis frame, before normalisation. */
export interface Letterboxed {
  /** size × size pixel values in 0..255; padding is 0. */
  pixels: Float32Array;
  frame: Frame;
}

/**
 * Scales a row-major 8-bit grayscale image so its long side is `size` (Pillow's BILINEAR, bit-exact),
 * and places it at the top-left of a size × size square padded with zeros.
 */
export function letterbox(gray8: Uint8Array, width: number, height: number, size: number): Letterboxed {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new InputError(`image size ${width}x${height} is not a positive integer size`);
  }
  if (gray8.length !== width * height) {
    throw new InputError(`image buffer has ${gray8.length} bytes; ${width}x${height} needs ${width * height}`);
  }
  const frame = frameFor(width, height, size);
  const content = frame.width === width && frame.height === height ? gray8 : resizeBilinear(gray8, width, height, frame.width, frame.height);
  const pixels = new Float32Array(size * size);
  for (let y = 0; y < frame.height; y++) {
    const row = content.subarray(y * frame.width, (y + 1) * frame.width);
    pixels.set(row, y * size);
  }
  return { pixels, frame };
}

/** tensor = (pixel / 255 - mean) / std, rounded to float32 at each step as numpy does in training. */
export function normalise(pixels: Float32Array, mean: number, std: number): Float32Array {
  const m = Math.fround(mean);
  const s = Math.fround(std);
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = Math.fround(Math.fround(pixels[i]! / 255) - m) / s;
  return out;
}
