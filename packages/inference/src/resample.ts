/**
 * Pillow's `Image.resize(size, Image.BILINEAR)` for 8-bit grayscale ("L") images, reproduced bit for bit
 * so that inference sees exactly the pixels training saw (Pillow's libImaging/Resample.c).
 *
 * Pillow's filter is a triangle whose support grows with the reduction factor, so downscaling
 * averages every source pixel instead of sampling two; coefficients are fixed-point and each pass
 * rounds to 8 bits, horizontal pass first.
 */

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);

interface Coefficients {
  /** Taps per output pixel. */
  ksize: number;
  /** First source index and tap count per output pixel. */
  bounds: Int32Array;
  /** Fixed-point weights, ksize per output pixel. */
  weights: Int32Array;
}

function triangle(x: number): number {
  const a = Math.abs(x);
  return a < 1 ? 1 - a : 0;
}

function coefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // bilinear support is 1.0
  // Pillow multiplies by the reciprocal; dividing can differ in the last bit.
  const inverseScale = 1 / filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let sum = 0;
    for (let x = 0; x < xmax; x++) {
      const w = triangle((x + xmin - center + 0.5) * inverseScale);
      k[x] = w;
      sum += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = sum !== 0 ? k[x]! / sum : k[x]!;
      weights[xx * ksize + x] = Math.trunc(w < 0 ? w * ONE - 0.5 : w * ONE + 0.5);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, weights };
}

/** acc is Pillow's INT32 accumulator: at most about 255 × 2^22, so int32 arithmetic is exact. */
function clip8(acc: number): number {
  if (acc >= ONE * 256) return 255;
  if (acc <= 0) return 0;
  return acc >> PRECISION_BITS;
}

/** Resizes a row-major 8-bit grayscale image exactly as Pillow's BILINEAR resize does. */
export function resizeBilinear(src: Uint8Array, width: number, height: number, outWidth: number, outHeight: number): Uint8Array {
  if (src.length !== width * height) throw new RangeError(`image buffer has ${src.length} bytes; ${width}x${height} needs ${width * height}`);
  if (!(outWidth >= 1 && outHeight >= 1)) throw new RangeError(`output size ${outWidth}x${outHeight} is empty`);
  let image = src;
  let w = width;
  let h = height;
  if (outWidth !== width) {
    image = resampleRows(image, w, h, outWidth);
    w = outWidth;
  }
  if (outHeight !== height) {
    image = resampleColumns(image, w, h, outHeight);
    h = outHeight;
  }
  return image === src ? src.slice() : image;
}

function resampleRows(src: Uint8Array, width: number, height: number, outWidth: number): Uint8Array {
  const { ksize, bounds, weights } = coefficients(width, outWidth);
  const out = new Uint8Array(outWidth * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const outRow = y * outWidth;
    for (let xx = 0; xx < outWidth; xx++) {
      const first = row + bounds[xx * 2]!;
      const n = bounds[xx * 2 + 1]!;
      const k = xx * ksize;
      let acc = HALF;
      for (let x = 0; x < n; x++) acc = (acc + src[first + x]! * weights[k + x]!) | 0;
      out[outRow + xx] = clip8(acc);
    }
  }
  return out;
}

function resampleColumns(src: Uint8Array, width: number, height: number, outHeight: number): Uint8Array {
  const { ksize, bounds, weights } = coefficients(height, outHeight);
  const out = new Uint8Array(width * outHeight);
  const acc = new Int32Array(width);
  for (let yy = 0; yy < outHeight; yy++) {
    const ymin = bounds[yy * 2]!;
    const n = bounds[yy * 2 + 1]!;
    const k = yy * ksize;
    acc.fill(HALF);
    for (let y = 0; y < n; y++) {
      const w = weights[k + y]!;
      const row = (ymin + y) * width;
      for (let x = 0; x < width; x++) acc[x] = acc[x]! + src[row + x]! * w;
    }
    const o = yy * width;
    for (let x = 0; x < width; x++) out[o + x] = clip8(acc[x]!);
  }
  return out;
}
