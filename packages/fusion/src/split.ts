import type { Candidate } from './instances.js';

/**
 * Splits one U-Net component between the Mask R-CNN instances inside it by a marker-based
 * watershed on the component's distance transform. Markers are the component pixels covered by
 * exactly one instance; the flood rises from body centres (far from the edge) towards narrow
 * necks, so bodies joined by a bony bridge part at the bridge, not halfway between mask edges.
 *
 * Writes `firstRegion + j` (j = index in `instances`) into `regionMap` for every pixel of the
 * component; returns the pixel count of each part.
 */
export function splitComponent(
  components: Int32Array,
  width: number,
  id: number,
  bbox: [number, number, number, number],
  instances: Candidate[],
  regionMap: Int32Array,
  firstRegion: number,
): Int32Array {
  const inside = componentMask(components, width, id, bbox);
  const owner = soleOwners(inside, bbox, instances);
  const label = watershed(inside, owner, bbox[2] - bbox[0], bbox[3] - bbox[1]);
  return writeRegions(inside, label, width, bbox, instances.length, regionMap, firstRegion);
}

/** 1 where the bbox crop of `components` is component `id`, else 0. */
function componentMask(components: Int32Array, width: number, id: number, bbox: [number, number, number, number]): Uint8Array {
  const [bx0, by0, bx1, by1] = bbox;
  const w = bx1 - bx0;
  const h = by1 - by0;
  const inside = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = (y + by0) * width + bx0;
    for (let x = 0; x < w; x++) if (components[row + x] === id) inside[y * w + x] = 1;
  }
  return inside;
}

/** Per crop pixel inside the component: 0 no instance, j+1 exactly instance j, -1 several. */
function soleOwners(inside: Uint8Array, bbox: [number, number, number, number], instances: Candidate[]): Int32Array {
  const [bx0, by0, bx1, by1] = bbox;
  const w = bx1 - bx0;
  const owner = new Int32Array(inside.length);
  instances.forEach((c, j) => {
    const cw = c.x1 - c.x0;
    for (let y = Math.max(c.y0, by0); y < Math.min(c.y1, by1); y++) {
      for (let x = Math.max(c.x0, bx0); x < Math.min(c.x1, bx1); x++) {
        if (!c.mask[(y - c.y0) * cw + (x - c.x0)]) continue;
        const i = (y - by0) * w + (x - bx0);
        if (!inside[i]) continue;
        owner[i] = owner[i] === 0 ? j + 1 : -1;
      }
    }
  });
  return owner;
}

/**
 * Floods `inside` from the sole-owner pixels over elevation maxD - distance, lowest first, so
 * labels meet at narrow necks. Returns j+1 per labelled pixel (all 1 when there are no markers).
 */
function watershed(inside: Uint8Array, owner: Int32Array, w: number, h: number): Int32Array {
  const n = w * h;
  const dist = chamferDistance(inside, w, h);
  let maxD = 0;
  for (let i = 0; i < n; i++) if (dist[i]! > maxD) maxD = dist[i]!;

  // Bucket queue over elevation = maxD - dist; FIFO within a bucket.
  const buckets: number[][] = Array.from({ length: maxD + 1 }, () => []);
  const label = new Int32Array(n);
  let seeds = 0;
  for (let i = 0; i < n; i++) {
    if (inside[i] && owner[i]! > 0) {
      label[i] = owner[i]!;
      buckets[maxD - dist[i]!]!.push(i);
      seeds++;
    }
  }
  if (seeds === 0) {
    // Instances overlap everywhere inside the component: give it all to the best-scored one.
    for (let i = 0; i < n; i++) if (inside[i]) label[i] = 1;
  }
  for (let level = 0; level <= maxD; level++) {
    const bucket = buckets[level]!;
    for (let k = 0; k < bucket.length; k++) {
      const i = bucket[k]!;
      const x = i % w;
      const l = label[i]!;
      for (let nb = 0; nb < 4; nb++) {
        let q: number;
        if (nb === 0) q = x > 0 ? i - 1 : -1;
        else if (nb === 1) q = x < w - 1 ? i + 1 : -1;
        else if (nb === 2) q = i - w;
        else q = i + w;
        if (q < 0 || q >= n || !inside[q] || label[q] !== 0) continue;
        label[q] = l;
        buckets[Math.max(level, maxD - dist[q]!)]!.push(q);
      }
    }
  }
  return label;
}

/** Writes `firstRegion + j` into `regionMap` for the component's pixels; returns each part's size. */
function writeRegions(
  inside: Uint8Array,
  label: Int32Array,
  width: number,
  bbox: [number, number, number, number],
  parts: number,
  regionMap: Int32Array,
  firstRegion: number,
): Int32Array {
  const [bx0, by0, bx1, by1] = bbox;
  const w = bx1 - bx0;
  const h = by1 - by0;
  const sizes = new Int32Array(parts);
  for (let y = 0; y < h; y++) {
    const row = (y + by0) * width + bx0;
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!inside[i]) continue;
      const j = (label[i] || 1) - 1;
      regionMap[row + x] = firstRegion + j;
      sizes[j]!++;
    }
  }
  return sizes;
}

/** Chamfer 3-4 distance to the nearest outside pixel (the crop border counts as outside). */
export function chamferDistance(inside: Uint8Array, w: number, h: number): Int32Array {
  const big = 1 << 29;
  const d = new Int32Array(w * h);
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= w || y >= h ? 0 : d[y * w + x]!);
  for (let i = 0; i < d.length; i++) d[i] = inside[i] ? big : 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!d[i]) continue;
      d[i] = Math.min(d[i]!, at(x - 1, y) + 3, at(x, y - 1) + 3, at(x - 1, y - 1) + 4, at(x + 1, y - 1) + 4);
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1; x >= 0; x--) {
      const i = y * w + x;
      if (!d[i]) continue;
      d[i] = Math.min(d[i]!, at(x + 1, y) + 3, at(x, y + 1) + 3, at(x + 1, y + 1) + 4, at(x - 1, y + 1) + 4);
    }
  }
  return d;
}
