/** Separable box blur of radius r (clamped edges), in place. */
function boxPass(src: Float32Array, dst: Float32Array, width: number, height: number, r: number, horizontal: boolean): void {
  const n = horizontal ? width : height;
  const lines = horizontal ? height : width;
  const stride = horizontal ? 1 : width;
  const inv = 1 / (2 * r + 1);
  for (let line = 0; line < lines; line++) {
    const base = horizontal ? line * width : line;
    let sum = 0;
    for (let k = -r; k <= r; k++) sum += src[base + Math.min(n - 1, Math.max(0, k)) * stride]!;
    for (let i = 0; i < n; i++) {
      dst[base + i * stride] = sum * inv;
      const add = Math.min(n - 1, i + r + 1);
      const drop = Math.max(0, i - r);
      sum += src[base + add * stride]! - src[base + drop * stride]!;
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
