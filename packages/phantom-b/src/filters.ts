/** Separable blurs on float images (edges clamped). */

/** Gaussian blur: an exact kernel for small sigma, three box passes (≈ Gaussian) for large. */
export function gaussianBlur(src: Float32Array, w: number, h: number, sigma: number): Float32Array {
  if (sigma <= 0.05) return src.slice();
  if (sigma > 4) return boxBlur3(src, w, h, sigma);
  const r = Math.ceil(sigma * 3);
  const kernel = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += kernel[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < kernel.length; i++) kernel[i]! /= sum;
  const tmp = new Float32Array(w * h);
  const padded = new Float32Array(w + 2 * r);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    // Rows: copy into a buffer padded with the edge values, then convolve without bounds checks.
    for (let i = 0; i < r; i++) {
      padded[i] = src[row]!;
      padded[w + r + i] = src[row + w - 1]!;
    }
    padded.set(src.subarray(row, row + w), r);
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let i = 0; i <= 2 * r; i++) acc += kernel[i]! * padded[x + i]!;
      tmp[row + x] = acc;
    }
  }
  // Columns: accumulate whole weighted rows, which walks memory in order.
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const dst = out.subarray(y * w, (y + 1) * w);
    for (let i = -r; i <= r; i++) {
      const k = kernel[i + r]!;
      const from = Math.min(h - 1, Math.max(0, y + i)) * w;
      for (let x = 0; x < w; x++) dst[x]! += k * tmp[from + x]!;
    }
  }
  return out;
}

/** Three successive box blurs whose combined variance matches sigma². */
function boxBlur3(src: Float32Array, w: number, h: number, sigma: number): Float32Array {
  // Three boxes of width n have variance 3 (n² − 1) / 12 = sigma².
  const r = Math.max(1, Math.round((Math.sqrt(4 * sigma * sigma + 1) - 1) / 2));
  const a = src.slice();
  const b = new Float32Array(w * h);
  for (let pass = 0; pass < 3; pass++) {
    boxRows(a, b, w, h, r);
    boxColumns(b, a, w, h, r);
  }
  return a;
}

function boxRows(src: Float32Array, dst: Float32Array, w: number, h: number, r: number): void {
  const norm = 1 / (2 * r + 1);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let acc = 0;
    for (let i = -r; i <= r; i++) acc += src[row + Math.min(w - 1, Math.max(0, i))]!;
    for (let x = 0; x < w; x++) {
      dst[row + x] = acc * norm;
      acc += src[row + Math.min(w - 1, x + r + 1)]! - src[row + Math.max(0, x - r)]!;
    }
  }
}

function boxColumns(src: Float32Array, dst: Float32Array, w: number, h: number, r: number): void {
  const norm = 1 / (2 * r + 1);
  // One running sum per column, advanced a whole row at a time (memory in order).
  const acc = new Float64Array(w);
  for (let i = -r; i <= r; i++) {
    const from = Math.min(h - 1, Math.max(0, i)) * w;
    for (let x = 0; x < w; x++) acc[x]! += src[from + x]!;
  }
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const add = Math.min(h - 1, y + r + 1) * w;
    const drop = Math.max(0, y - r) * w;
    for (let x = 0; x < w; x++) {
      dst[row + x] = acc[x]! * norm;
      acc[x]! += src[add + x]! - src[drop + x]!;
    }
  }
}
