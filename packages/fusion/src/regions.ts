import type { Rect } from './morphology.js';

/** Per-region statistics gathered in one pass over a region map (ids 1..count). */
export interface RegionStats {
  count: number;
  area: Float64Array;
  /** Sum of foreground probability (0..255) over each region; zeros without a U-Net map. */
  probabilitySum: Float64Array;
  /** x0, y0, x1, y1 (exclusive) at 4·id. */
  bbox: Int32Array;
  /** Centroid x, y at 2·id (pixel centres at +0.5). */
  centroid: Float64Array;
  /** Covariance xx, yy, xy at 3·id. */
  covariance: Float64Array;
}

export function regionStats(
  map: Int32Array,
  width: number,
  height: number,
  count: number,
  probability?: Uint8Array,
  roi: Rect = [0, 0, width, height],
): RegionStats {
  const area = new Float64Array(count + 1);
  const probabilitySum = new Float64Array(count + 1);
  const bbox = new Int32Array(4 * (count + 1));
  const sums = new Float64Array(5 * (count + 1));
  for (let r = 1; r <= count; r++) {
    bbox[4 * r] = width;
    bbox[4 * r + 1] = height;
  }
  for (let y = roi[1]; y < roi[3]; y++) {
    for (let x = roi[0]; x < roi[2]; x++) {
      const i = y * width + x;
      const r = map[i]!;
      if (r <= 0) continue;
      area[r]!++;
      if (probability) probabilitySum[r]! += probability[i]!;
      const b = 4 * r;
      if (x < bbox[b]!) bbox[b] = x;
      if (y < bbox[b + 1]!) bbox[b + 1] = y;
      if (x + 1 > bbox[b + 2]!) bbox[b + 2] = x + 1;
      if (y + 1 > bbox[b + 3]!) bbox[b + 3] = y + 1;
      const s = 5 * r;
      sums[s]! += x;
      sums[s + 1]! += y;
      sums[s + 2]! += x * x;
      sums[s + 3]! += y * y;
      sums[s + 4]! += x * y;
    }
  }
  const centroid = new Float64Array(2 * (count + 1));
  const covariance = new Float64Array(3 * (count + 1));
  for (let r = 1; r <= count; r++) {
    const a = area[r]!;
    if (!a) continue;
    const s = 5 * r;
    const mx = sums[s]! / a;
    const my = sums[s + 1]! / a;
    centroid[2 * r] = mx + 0.5;
    centroid[2 * r + 1] = my + 0.5;
    covariance[3 * r] = sums[s + 2]! / a - mx * mx;
    covariance[3 * r + 1] = sums[s + 3]! / a - my * my;
    covariance[3 * r + 2] = sums[s + 4]! / a - mx * my;
  }
  return { count, area, probabilitySum, bbox, centroid, covariance };
}

/** Standard deviation of a region's pixels along the unit direction (ux, uy). */
export function spreadAlong(stats: RegionStats, r: number, ux: number, uy: number): number {
  const c = 3 * r;
  const v = stats.covariance[c]! * ux * ux + stats.covariance[c + 1]! * uy * uy + 2 * stats.covariance[c + 2]! * ux * uy;
  return Math.sqrt(Math.max(0, v));
}

/**
 * Whether a U-Net-only component looks like a vertebral body: area within 0.3–3× the typical body,
 * elongation (major/minor spread) ≤ 3, and fill of its moment-equivalent rectangle within
 * 0.6–1.3 (a rectangle gives 1; an implant rod or a thin crescent falls outside).
 */
export function plausibleBody(area: number, cxx: number, cyy: number, cxy: number, typicalArea: number): boolean {
  if (typicalArea > 0 && (area < 0.3 * typicalArea || area > 3 * typicalArea)) return false;
  const tr = cxx + cyy;
  const det = cxx * cyy - cxy * cxy;
  const disc = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
  const l1 = tr / 2 + disc;
  const l2 = tr / 2 - disc;
  if (l2 <= 0) return false;
  if (Math.sqrt(l1 / l2) > 3) return false;
  const fill = area / (12 * Math.sqrt(l1 * l2));
  return fill >= 0.6 && fill <= 1.3;
}
