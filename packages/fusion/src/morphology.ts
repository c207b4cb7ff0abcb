/** Binary morphology and connected components on row-major Uint8Array masks (0/1). */

/** 1 where probability × 255 exceeds threshold × 255. */
export function thresholdMask(probability: Uint8Array, threshold: number): Uint8Array {
  const cut = threshold * 255;
  const out = new Uint8Array(probability.length);
  for (let i = 0; i < probability.length; i++) out[i] = probability[i]! > cut ? 1 : 0;
  return out;
}

/**
 * Opening with a (2r+1)² square: erosion then dilation, each done separably (rows, then columns)
 * with running counts, so the cost is O(pixels) whatever r is.
 */
export function openMask(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  if (radius <= 0) return mask.slice();
  return squareFilter(squareFilter(mask, width, height, radius, true), width, height, radius, false);
}

function squareFilter(src: Uint8Array, w: number, h: number, r: number, erode: boolean): Uint8Array {
  const tmp = new Uint8Array(src.length);
  const out = new Uint8Array(src.length);
  const win = 2 * r + 1;
  // Pixels outside the image count as background for erosion (bodies cut by the edge stay cut).
  for (let y = 0; y < h; y++) runLine(src, tmp, y * w, 1, w, r, win, erode);
  for (let x = 0; x < w; x++) runLine(tmp, out, x, w, h, r, win, erode);
  return out;
}

function runLine(src: Uint8Array, dst: Uint8Array, start: number, stride: number, n: number, r: number, win: number, erode: boolean): void {
  let count = 0;
  for (let i = 0; i < Math.min(r, n); i++) count += src[start + i * stride]!;
  for (let i = 0; i < n; i++) {
    const enter = i + r;
    const leave = i - r - 1;
    if (enter < n) count += src[start + enter * stride]!;
    if (leave >= 0) count -= src[start + leave * stride]!;
    dst[start + i * stride] = erode ? (count === win ? 1 : 0) : count > 0 ? 1 : 0;
  }
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
export function connectedComponents(mask: Uint8Array, width: number, height: number): Components {
  const labels = new Int32Array(mask.length);
  const parent: number[] = [0];
  const find = (a: number): number => {
    while (parent[a]! !== a) {
      parent[a] = parent[parent[a]!]!;
      a = parent[a]!;
    }
    return a;
  };
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      if (!mask[i]) continue;
      const left = x > 0 ? labels[i - 1]! : 0;
      const up = y > 0 ? labels[i - width]! : 0;
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
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
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
