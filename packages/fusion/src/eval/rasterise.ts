/** A COCO annotation as far as rasterising needs it. */
export interface CocoPolygonAnnotation {
  category_id: number;
  /** Polygons [x1, y1, x2, y2, …]; RLE segmentations are not supported. */
  segmentation: number[][];
}

/**
 * A label mask from COCO polygon annotations: even-odd scanline fill at pixel centres, value =
 * category id (later annotations overwrite earlier ones). All rings of one annotation fill
 * together, so a ring inside another is a hole.
 */
export function rasteriseCoco(annotations: CocoPolygonAnnotation[], width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const xs: number[] = [];
  for (const ann of annotations) {
    if (!Array.isArray(ann.segmentation)) continue;
    const rings = ann.segmentation.filter((r) => Array.isArray(r) && r.length >= 6);
    if (!rings.length) continue;
    let minY = Infinity;
    let maxY = -Infinity;
    for (const r of rings) {
      for (let i = 1; i < r.length; i += 2) {
        minY = Math.min(minY, r[i]!);
        maxY = Math.max(maxY, r[i]!);
      }
    }
    const value = ann.category_id & 0xff;
    for (let y = Math.max(0, Math.floor(minY)); y < Math.min(height, Math.ceil(maxY)); y++) {
      const yc = y + 0.5;
      xs.length = 0;
      for (const r of rings) {
        const m = r.length >> 1;
        for (let i = 0; i < m; i++) {
          const x0 = r[2 * i]!;
          const y0 = r[2 * i + 1]!;
          const j = (i + 1) % m;
          const x1 = r[2 * j]!;
          const y1 = r[2 * j + 1]!;
          if ((y0 <= yc && yc < y1) || (y1 <= yc && yc < y0)) xs.push(x0 + ((yc - y0) / (y1 - y0)) * (x1 - x0));
        }
      }
      xs.sort((a, b) => a - b);
      for (let k = 0; k + 1 < xs.length; k += 2) {
        // Pixels whose centre x + 0.5 lies in [xs[k], xs[k+1]).
        const from = Math.max(0, Math.ceil(xs[k]! - 0.5));
        const to = Math.min(width, Math.ceil(xs[k + 1]! - 0.5));
        for (let x = from; x < to; x++) out[y * width + x] = value;
      }
    }
  }
  return out;
}
