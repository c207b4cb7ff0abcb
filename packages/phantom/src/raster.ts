import type { Polygon } from './geometry.js';

/** Called for each run of covered pixels [x0, x1) on row y. */
export type SpanFn = (y: number, x0: number, x1: number) => void;

/**
 * Scanline fill with the nonzero winding rule, sampling pixel centres (x + 0.5, y + 0.5): a pixel is
 * inside when its centre is. Hard edges by design: label masks must not be antialiased.
 */
export function forEachSpan(poly: Polygon, width: number, height: number, span: SpanFn): void {
  const n = poly.length;
  if (n < 3) return;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const p of poly) {
    if (p.y < minY) minY = p.y;
    if (p.y > maxY) maxY = p.y;
  }
  const y0 = Math.max(0, Math.ceil(minY - 0.5));
  const y1 = Math.min(height - 1, Math.floor(maxY - 0.5));
  const xs: number[] = [];
  const dirs: number[] = [];
  const order: number[] = [];
  for (let y = y0; y <= y1; y++) {
    const cy = y + 0.5;
    xs.length = 0;
    dirs.length = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const a = poly[j]!;
      const b = poly[i]!;
      // Half-open in y so a vertex on the scanline is counted once.
      if ((a.y <= cy && b.y > cy) || (b.y <= cy && a.y > cy)) {
        xs.push(a.x + ((cy - a.y) / (b.y - a.y)) * (b.x - a.x));
        dirs.push(b.y > a.y ? 1 : -1);
      }
    }
    if (xs.length < 2) continue;
    order.length = 0;
    for (let k = 0; k < xs.length; k++) order.push(k);
    order.sort((p, q) => xs[p]! - xs[q]!);
    let winding = 0;
    for (let k = 0; k < order.length - 1; k++) {
      winding += dirs[order[k]!]!;
      if (winding === 0) continue;
      const xa = Math.max(0, Math.ceil(xs[order[k]!]! - 0.5));
      const xb = Math.min(width, Math.ceil(xs[order[k + 1]!]! - 0.5));
      if (xb > xa) span(y, xa, xb);
    }
  }
}

/** Adds a constant to every covered pixel. */
export function addPolygon(field: Float32Array, width: number, height: number, poly: Polygon, value: number): void {
  forEachSpan(poly, width, height, (y, x0, x1) => {
    const row = y * width;
    for (let x = x0; x < x1; x++) field[row + x]! += value;
  });
}

/** Writes `code` where the mask is still 0, so instances never overlap (first drawn wins). */
export function labelPolygon(mask: Uint8Array, width: number, height: number, poly: Polygon, code: number): number {
  let written = 0;
  forEachSpan(poly, width, height, (y, x0, x1) => {
    const row = y * width;
    for (let x = x0; x < x1; x++) {
      if (mask[row + x] === 0) {
        mask[row + x] = code;
        written++;
      }
    }
  });
  return written;
}

/** Number of pixels the polygon covers. */
export function polygonPixelCount(poly: Polygon, width: number, height: number): number {
  let count = 0;
  forEachSpan(poly, width, height, (_y, x0, x1) => {
    count += x1 - x0;
  });
  return count;
}
