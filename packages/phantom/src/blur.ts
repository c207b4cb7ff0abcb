/** Box blur of radius r along one axis (clamped edges), src → dst. */
function boxPass(src: Float32Array, dst: Float32Array, width: number, height: number, r: number, horizontal: boolean): void {
  const inv = 1 / (2 * r + 1);
  if (horizontal) {
    for (let y = 0; y < height; y++) {
      const base = y * width;
      let sum = 0;
      for (let k = -r; k <= r; k++) sum += src[base + Math.min(width - 1, Math.max(0, k))]!;
      for (let x = 0; x < width; x++) {
        dst[base + x] = sum * inv;
        sum += src[base + Math.min(width - 1, x + r + 1)]! - src[base + Math.max(0, x - r)]!;
      }
    }
    return;
  }
  // Vertical: running sums for a whole row at a time, so memory is read in order.
  const sums = new Float64Array(width);
  for (let k = -r; k <= r; k++) {
    const row = Math.min(height - 1, Math.max(0, k)) * width;
    for (let x = 0; x < width; x++) sums[x]! += src[row + x]!;
  }
  for (let y = 0; y < height; y++) {
    const out = y * width;
    const add = Math.min(height - 1, y + r + 1) * width;
    const drop = Math.max(0, y - r) * width;
    for (let x = 0; x < width; x++) {
      dst[out + x] = sums[x]! * inv;
      sums[x]! += src[add + x]! - src[drop + x]!;
    }
  }
}

/** Three-tap kernel [a, 1 − 2a, a] for small blurs (variance 2a). */
function tapPass(src: Float32Array, dst: Float32Array, width: number, height: number, a: number, horizontal: boolean): void {
  const c = 1 - 2 * a;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const prev = horizontal ? (x > 0 ? i - 1 : i) : y > 0 ? i - width : i;
      const next = horizontal ? (x < width - 1 ? i + 1 : i) : y < height - 1 ? i + width : i;
      dst[i] = c * src[i]! + a * (src[prev]! + src[next]!);
    }
  }
}

/** Approximate Gaussian blur with standard deviation sigma (pixels); returns a new array. */
export function gaussianBlur(field: Float32Array, width: number, height: number, sigma: number): Float32Array {
  const out = new Float32Array(field);
  if (sigma < 0.2) return out;
  const tmp = new Float32Array(field.length);
  if (sigma < 0.8) {
    const a = (sigma * sigma) / 2;
    tapPass(out, tmp, width, height, a, true);
    tapPass(tmp, out, width, height, a, false);
    return out;
  }
  // Three box passes: ideal width sqrt(12σ²/3 + 1).
  const r = Math.max(1, Math.round((Math.sqrt(4 * sigma * sigma + 1) - 1) / 2));
  for (let pass = 0; pass < 3; pass++) {
    boxPass(out, tmp, width, height, r, true);
    boxPass(tmp, out, width, height, r, false);
  }
  return out;
}

/** Box-averages the field by an integer factor (edge blocks averaged over what exists). */
export function downsample(field: Float32Array, width: number, height: number, factor: number): { data: Float32Array; width: number; height: number } {
  const w = Math.ceil(width / factor);
  const h = Math.ceil(height / factor);
  const data = new Float32Array(w * h);
  const counts = new Float32Array(w * h);
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / factor) * w;
    for (let x = 0; x < width; x++) {
      const i = row + Math.floor(x / factor);
      data[i]! += field[y * width + x]!;
      counts[i]! += 1;
    }
  }
  for (let i = 0; i < data.length; i++) data[i]! /= counts[i]!;
  return { data, width: w, height: h };
}

/** Bilinear upsampling by an integer factor; `into` receives `weight` × the upsampled value added. */
export function addUpsampled(
  into: Float32Array,
  width: number,
  height: number,
  coarse: Float32Array,
  cw: number,
  ch: number,
  factor: number,
  weight = 1,
): void {
  const xs0 = new Int32Array(width);
  const xs1 = new Int32Array(width);
  const fxs = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const cx = Math.min(cw - 1, Math.max(0, (x + 0.5) / factor - 0.5));
    xs0[x] = Math.floor(cx);
    xs1[x] = Math.min(cw - 1, xs0[x]! + 1);
    fxs[x] = cx - xs0[x]!;
  }
  for (let y = 0; y < height; y++) {
    const cy = Math.min(ch - 1, Math.max(0, (y + 0.5) / factor - 0.5));
    const y0 = Math.floor(cy);
    const r0 = y0 * cw;
    const r1 = Math.min(ch - 1, y0 + 1) * cw;
    const fy = cy - y0;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const fx = fxs[x]!;
      const a = xs0[x]!;
      const b = xs1[x]!;
      const top = coarse[r0 + a]! + (coarse[r0 + b]! - coarse[r0 + a]!) * fx;
      const bottom = coarse[r1 + a]! + (coarse[r1 + b]! - coarse[r1 + a]!) * fx;
      into[row + x]! += weight * (top + (bottom - top) * fy);
    }
  }
}

/** Wide low-pass at reduced resolution: the result is smooth, so computing it small loses nothing. */
export function lowPass(field: Float32Array, width: number, height: number, sigma: number): Float32Array {
  const factor = Math.max(1, Math.min(8, Math.floor(sigma / 2)));
  if (factor === 1) return gaussianBlur(field, width, height, sigma);
  const small = downsample(field, width, height, factor);
  const blurred = gaussianBlur(small.data, small.width, small.height, sigma / factor);
  const out = new Float32Array(width * height);
  addUpsampled(out, width, height, blurred, small.width, small.height, factor);
  return out;
}
