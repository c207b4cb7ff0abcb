/** A single-channel float image. */
export interface Plane {
  data: Float32Array;
  width: number;
  height: number;
}

export const plane = (width: number, height: number): Plane => ({ data: new Float32Array(width * height), width, height });

/** Separable Gaussian with an explicit kernel (σ in pixels; edges clamp). For σ up to a few pixels. */
export function gaussian(src: Plane, sigma: number): Plane {
  if (sigma < 0.2) return { ...src, data: src.data.slice() };
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = Float32Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const sum = k.reduce((a, b) => a + b, 0);
  for (let i = 0; i < k.length; i++) k[i]! /= sum;
  const { width: w, height: h } = src;
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  const pad = new Float32Array(w + 2 * r);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < pad.length; x++) pad[x] = src.data[row + Math.min(w - 1, Math.max(0, x - r))]!;
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let t = 0; t < k.length; t++) acc += k[t]! * pad[x + t]!;
      tmp[row + x] = acc;
    }
  }
  for (let y = 0; y < h; y++) {
    const o = y * w;
    for (let t = 0; t < k.length; t++) {
      const s = Math.min(h - 1, Math.max(0, y + t - r)) * w;
      const kt = k[t]!;
      for (let x = 0; x < w; x++) out[o + x]! += kt * tmp[s + x]!;
    }
  }
  return { data: out, width: w, height: h };
}

/** Mean over blocks of `f`×`f` pixels (the last block of a row or column may be partial). */
export function shrink(src: Plane, f: number): Plane {
  const w = Math.ceil(src.width / f);
  const h = Math.ceil(src.height / f);
  const out = plane(w, h);
  const count = new Float32Array(w * h);
  for (let y = 0; y < src.height; y++) {
    const oy = Math.floor(y / f) * w;
    for (let x = 0; x < src.width; x++) {
      const o = oy + Math.floor(x / f);
      out.data[o]! += src.data[y * src.width + x]!;
      count[o]! += 1;
    }
  }
  for (let i = 0; i < out.data.length; i++) out.data[i]! /= count[i]!;
  return out;
}

/** Bilinear resampling of a coarse plane onto `width`×`height`, block centres aligned as `shrink` made them. */
export function grow(src: Plane, size: { width: number; height: number; factor: number }): Plane {
  const { width, height, factor: f } = size;
  const out = plane(width, height);
  const xs = new Int32Array(width);
  const fx = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const sx = Math.max(0, Math.min(src.width - 1.0001, (x + 0.5) / f - 0.5));
    xs[x] = Math.floor(sx);
    fx[x] = sx - Math.floor(sx);
  }
  for (let y = 0; y < height; y++) {
    const sy = Math.max(0, Math.min(src.height - 1.0001, (y + 0.5) / f - 0.5));
    const y0 = Math.floor(sy);
    const wy = sy - y0;
    const r0 = y0 * src.width;
    const r1 = Math.min(src.height - 1, y0 + 1) * src.width;
    for (let x = 0; x < width; x++) {
      const x0 = xs[x]!;
      const x1 = Math.min(src.width - 1, x0 + 1);
      const a = src.data[r0 + x0]! + (src.data[r0 + x1]! - src.data[r0 + x0]!) * fx[x]!;
      const b = src.data[r1 + x0]! + (src.data[r1 + x1]! - src.data[r1 + x0]!) * fx[x]!;
      out.data[y * width + x] = a + (b - a) * wy;
    }
  }
  return out;
}

/** A wide Gaussian (σ in full-resolution pixels) computed on a shrunken copy and grown back. */
export function wideBlur(src: Plane, sigma: number): Plane {
  const f = Math.max(1, Math.floor(sigma / 3));
  const small = shrink(src, f);
  return grow(gaussian(small, sigma / f), { width: src.width, height: src.height, factor: f });
}
