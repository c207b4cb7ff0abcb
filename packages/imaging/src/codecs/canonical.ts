import type { CanonicalImage, DecodedImage } from '../image/types.js';

/** Percentiles that bound the display window of images deeper than 8 bits. */
export const WINDOW_LOW_PERCENTILE = 0.5;
export const WINDOW_HIGH_PERCENTILE = 99.5;

/**
 * Nearest-rank percentile of 16-bit samples over a 65536-bin histogram: the smallest value whose
 * cumulative count reaches rank = ceil(p/100 * n) (1-based, clamped to 1..n).
 * Same rule as training/vertxnet_train/preprocess.py percentile_nearest_rank.
 */
export function percentileNearestRank(histogram: Uint32Array, count: number, p: number): number {
  const rank = Math.min(count, Math.max(1, Math.ceil((p / 100) * count)));
  let cumulative = 0;
  for (let value = 0; value < histogram.length; value++) {
    cumulative += histogram[value]!;
    if (cumulative >= rank) return value;
  }
  return histogram.length - 1;
}

export function histogram16(data: Uint16Array): Uint32Array {
  const bins = new Uint32Array(65536);
  for (let i = 0; i < data.length; i++) bins[data[i]!]!++;
  return bins;
}

/**
 * Linear window [lo, hi] → 0..255. Computed as floor((v - lo) * (255 / (hi - lo)) + 0.5), clamped,
 * in float64 with exactly the operations of training's window_to_uint8, so both sides agree to
 * the bit; hi <= lo maps everything to 0.
 */
export function windowLut(lo: number, hi: number): Uint8Array {
  const lut = new Uint8Array(65536);
  const top = hi <= lo ? lo + 1 : hi;
  const scale = 255 / (top - lo);
  for (let v = 0; v < 65536; v++) {
    const scaled = Math.floor((v - lo) * scale + 0.5);
    lut[v] = scaled < 0 ? 0 : scaled > 255 ? 255 : scaled;
  }
  return lut;
}

/**
 * The canonical 8-bit image: 8-bit used as is; deeper images windowed linearly from their 0.5th
 * to 99.5th nearest-rank percentile, so one bright marker or dead pixel cannot flatten the bones.
 */
export function toCanonical(img: Pick<DecodedImage, 'width' | 'height' | 'data'>): CanonicalImage {
  const { width, height, data } = img;
  if (data instanceof Uint8Array) return { width, height, data };
  if (data.length === 0) return { width, height, data: new Uint8Array(0) };
  const bins = histogram16(data);
  const lo = percentileNearestRank(bins, data.length, WINDOW_LOW_PERCENTILE);
  const hi = percentileNearestRank(bins, data.length, WINDOW_HIGH_PERCENTILE);
  const lut = windowLut(lo, hi);
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = lut[data[i]!]!;
  return { width, height, data: out };
}

/**
 * ITU-R 601 luma of interleaved RGB samples, in the fixed point PIL uses for RGB → L
 * ((R·19595 + G·38470 + B·7471 + 32768) >> 16), so grey = R = G = B stays exact.
 */
export function rgbToLuma<T extends Uint8Array | Uint16Array>(rgb: T, pixels: number): T {
  const out = (rgb instanceof Uint16Array ? new Uint16Array(pixels) : new Uint8Array(pixels)) as T;
  for (let i = 0, j = 0; i < pixels; i++, j += 3) {
    out[i] = Math.floor((rgb[j]! * 19595 + rgb[j + 1]! * 38470 + rgb[j + 2]! * 7471 + 32768) / 65536);
  }
  return out;
}
