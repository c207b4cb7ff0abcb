import type { Vec } from './geometry.js';

/**
 * Point-source projection onto a flat detector. World mm: x anterior, y cranial, z towards the tube
 * from the midsagittal plane. Detector mm are measured from the central ray (X anterior, Y cranial);
 * pixels run right and down from the field's top-left corner, pixel i's centre at i + 0.5.
 */
export interface Projection {
  /** Source to detector distance, mm. */
  sid: number;
  /** Height of the midsagittal plane above the detector, mm. */
  midHeight: number;
  /** The world point of the midsagittal plane on the central ray. */
  axis: Vec;
  /** Detector coordinates of the field's top-left corner, mm. */
  left: number;
  top: number;
  /** Detector mm per pixel. */
  spacing: number;
  width: number;
  height: number;
}

/** Magnification of a structure `z` mm nearer the tube than the midsagittal plane. */
export function magnification(p: Projection, z: number): number {
  return p.sid / (p.sid - p.midHeight - z);
}

/** Image pixel coordinates of a world point at depth z. */
export function toPixel(p: Projection, point: Vec, z = 0): Vec {
  const m = magnification(p, z);
  return { x: ((point.x - p.axis.x) * m - p.left) / p.spacing, y: (p.top - (point.y - p.axis.y) * m) / p.spacing };
}

/** Detector mm of a world point at depth z, from the central ray. */
export function toDetector(p: Projection, point: Vec, z = 0): Vec {
  const m = magnification(p, z);
  return { x: (point.x - p.axis.x) * m, y: (point.y - p.axis.y) * m };
}

/**
 * The affine map from pixel index to world (x, y) at depth z: world x of column i is x0 + i·step,
 * world y of row j is y0 − j·step (pixel centres).
 */
export function worldGrid(p: Projection, z: number): { x0: number; y0: number; step: number } {
  const m = magnification(p, z);
  const step = p.spacing / m;
  return { x0: p.axis.x + (p.left + 0.5 * p.spacing) / m, y0: p.axis.y + (p.top - 0.5 * p.spacing) / m, step };
}

/** Pixel rows and columns covering a world box at depth z, clipped to the image; null when off it. */
export function pixelBox(
  p: Projection,
  box: { x0: number; y0: number; x1: number; y1: number },
  z: number,
): { i0: number; i1: number; j0: number; j1: number } | null {
  const a = toPixel(p, { x: box.x0, y: box.y1 }, z);
  const b = toPixel(p, { x: box.x1, y: box.y0 }, z);
  const i0 = Math.max(0, Math.floor(Math.min(a.x, b.x)));
  const i1 = Math.min(p.width - 1, Math.ceil(Math.max(a.x, b.x)));
  const j0 = Math.max(0, Math.floor(Math.min(a.y, b.y)));
  const j1 = Math.min(p.height - 1, Math.ceil(Math.max(a.y, b.y)));
  return i0 > i1 || j0 > j1 ? null : { i0, i1, j0, j1 };
}
