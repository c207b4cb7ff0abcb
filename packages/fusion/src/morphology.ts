/** Binary morphology and connected components on row-major Uint8Array masks (0/1). */

/** [x0, y0, x1, y1) rectangle of interest in a mask; passes skip everything outside it. */
export type Rect = [number, number, number, number];

/**
 * 1 where probability × 255 exceeds threshold × 255, and the bounding rectangle of those pixels
 * grown by `margin` (null when none is set), in one pass.
 */
export function thresholdMask(
  probability: Uint8Array,
  width: number,
  height: number,
  threshold: number,
  margin = 0,
): { mask: Uint8Array; bounds: Rect | null } {
  const cut = Math.floor(threshold * 255);
  const mask = new Uint8Array(probability.length);
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if (probability[row + x]! > cut) {
        mask[row + x] = 1;
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first < 0) continue;
    if (y0 > y) y0 = y;
    y1 = y;
    if (first < x0) x0 = first;
    if (last > x1) x1 = last;
  }
  const bounds: Rect | null =
    x1 < 0 ? null : [Math.max(0, x0 - margin), Math.max(0, y0 - margin), Math.min(width, x1 + 1 + margin), Math.min(height, y1 + 1 + margin)];
  return { mask, bounds };
}

/**
 * Opening with a (2r+1)² square: erosion then dilation, each separable with running counts (rows,
 * then columns kept as per-column counts so memory is read row by row). O(pixels) whatever r is.
 * Only `roi` is processed; outside it the result is 0.
 */
export function openMask(mask: Uint8Array, width: number, height: number, radius: number, roi: Rect = [0, 0, width, height]): Uint8Array {
  if (radius <= 0) return mask.slice();
  const eroded = squareFilter(mask, width, height, radius, true, roi);
  return squareFilter(eroded, width, height, radius, false, roi);
}

function squareFilter(src: Uint8Array, w: number, h: number, r: number, erode: boolean, roi: Rect): Uint8Array {
  const [rx0, ry0, rx1, ry1] = roi;
  const rw = rx1 - rx0;
  const win = 2 * r + 1;
  const rows = new Uint8Array(w * h);
  // Row pass: window sums along x (pixels outside the image count as background).
  for (let y = ry0; y < ry1; y++) {
    const row = y * w;
    let count = 0;
    for (let x = Math.max(0, rx0 - r); x < Math.min(w, rx0 + r); x++) count += src[row + x]!;
    for (let x = rx0; x < rx1; x++) {
      if (x + r < w) count += src[row + x + r]!;
      if (x - r - 1 >= 0) count -= src[row + x - r - 1]!;
      rows[row + x] = erode ? (count === win ? 1 : 0) : count > 0 ? 1 : 0;
    }
  }
  // Column pass on the row results; rows outside the roi were never computed, so clamp to it.
  const out = new Uint8Array(w * h);
  const counts = new Int32Array(rw);
  const addRow = (y: number, sign: number) => {
    const row = y * w + rx0;
    for (let x = 0; x < rw; x++) counts[x]! += sign * rows[row + x]!;
  };
  for (let y = Math.max(ry0, ry0 - r); y < Math.min(ry1, ry0 + r); y++) addRow(y, 1);
  for (let y = ry0; y < ry1; y++) {
    if (y + r < ry1) addRow(y + r, 1);
    if (y - r - 1 >= ry0) addRow(y - r - 1, -1);
    const row = y * w + rx0;
    if (erode) {
      // Rows beyond the image edge are background: erosion near the image edge must fail.
      const full = y - r >= 0 && y + r < h ? win : -1;
      for (let x = 0; x < rw; x++) out[row + x] = counts[x] === full ? 1 : 0;
    } else {
      for (let x = 0; x < rw; x++) out[row + x] = counts[x]! > 0 ? 1 : 0;
    }
  }
  return out;
}

export interface Components {
  /** 0 background, 1..count component ids. */
  labels: Int32Array;
  count: number;
  /** Indexed by id (index 0 unused). */
  area: Int32Array;
  /** x0, y0, x1, y1 (exclusive) per id, at 4·id. */
  bbox: Int32Array;
}

/**
 * 4-connected components by two-pass union-find. 4-connectivity on purpose: two bodies that touch
 * only corner to corner across a disc space stay two components instead of merging.
 */
export function connectedComponents(mask: Uint8Array, width: number, height: number, roi: Rect = [0, 0, width, height]): Components {
  const [rx0, ry0, rx1, ry1] = roi;
  const labels = new Int32Array(mask.length);
  const parent: number[] = [0];
  const find = (a: number): number => {
    while (parent[a]! !== a) {
      parent[a] = parent[parent[a]!]!;
      a = parent[a]!;
    }
    return a;
  };
  for (let y = ry0; y < ry1; y++) {
    const row = y * width;
    for (let x = rx0; x < rx1; x++) {
      const i = row + x;
      if (!mask[i]) continue;
      const left = x > rx0 ? labels[i - 1]! : 0;
      const up = y > ry0 ? labels[i - width]! : 0;
      if (left && up) {
        const a = find(left);
        const b = find(up);
        labels[i] = a < b ? a : b;
        if (a !== b) parent[a > b ? a : b] = a < b ? a : b;
      } else if (left || up) {
        labels[i] = left || up;
      } else {
        labels[i] = parent.length;
        parent.push(parent.length);
      }
    }
  }
  const remap = new Int32Array(parent.length);
  let count = 0;
  for (let l = 1; l < parent.length; l++) {
    const root = find(l);
    if (root === l) remap[l] = ++count;
  }
  for (let l = 1; l < parent.length; l++) remap[l] = remap[find(l)]!;
  const area = new Int32Array(count + 1);
  const bbox = new Int32Array(4 * (count + 1));
  for (let c = 1; c <= count; c++) {
    bbox[4 * c] = width;
    bbox[4 * c + 1] = height;
  }
  for (let y = ry0; y < ry1; y++) {
    for (let x = rx0; x < rx1; x++) {
      const i = y * width + x;
      if (!labels[i]) continue;
      const c = remap[labels[i]!]!;
      labels[i] = c;
      area[c]!++;
      const b = 4 * c;
      if (x < bbox[b]!) bbox[b] = x;
      if (y < bbox[b + 1]!) bbox[b + 1] = y;
      if (x + 1 > bbox[b + 2]!) bbox[b + 2] = x + 1;
      if (y + 1 > bbox[b + 3]!) bbox[b + 3] = y + 1;
    }
  }
  return { labels, count, area, bbox };
}

export function median(values: ArrayLike<number>): number {
  if (values.length === 0) return 0;
  const s = Array.from(values).sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
