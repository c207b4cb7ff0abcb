import type { Candidate } from './instances.js';
import { connectedComponents } from './morphology.js';
import { chamferDistance } from './split.js';

/**
 * Body-sized cores of a U-Net component that no Mask R-CNN instance claims: the component minus
 * the instances' masks, eroded by `radius` px (chamfer), split into 4-connected pieces of at least
 * `minArea` px. Erosion removes the rim around each instance mask and thin bony bridges, so what
 * survives is a body the instance model missed (or, with no instance at all, each body of a fused
 * run). Returned as score-0 pseudo-instances to seed the watershed split.
 */
export function unclaimedCores(
  components: Int32Array,
  width: number,
  id: number,
  bbox: [number, number, number, number],
  instances: Candidate[],
  radius: number,
  minArea: number,
): Candidate[] {
  const [bx0, by0, bx1, by1] = bbox;
  const w = bx1 - bx0;
  const h = by1 - by0;
  const free = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = (y + by0) * width + bx0;
    for (let x = 0; x < w; x++) if (components[row + x] === id) free[y * w + x] = 1;
  }
  for (const c of instances) {
    const cw = c.x1 - c.x0;
    for (let y = Math.max(c.y0, by0); y < Math.min(c.y1, by1); y++) {
      for (let x = Math.max(c.x0, bx0); x < Math.min(c.x1, bx1); x++) if (c.mask[(y - c.y0) * cw + (x - c.x0)]) free[(y - by0) * w + (x - bx0)] = 0;
    }
  }
  const dist = chamferDistance(free, w, h);
  const core = new Uint8Array(w * h);
  const cut = 3 * radius;
  for (let i = 0; i < core.length; i++) core[i] = dist[i]! > cut ? 1 : 0;
  const pieces = connectedComponents(core, w, h);
  const out: Candidate[] = [];
  for (let p = 1; p <= pieces.count; p++) {
    if (pieces.area[p]! < minArea) continue;
    const [px0, py0, px1, py1] = [pieces.bbox[4 * p]!, pieces.bbox[4 * p + 1]!, pieces.bbox[4 * p + 2]!, pieces.bbox[4 * p + 3]!];
    const pw = px1 - px0;
    const mask = new Uint8Array(pw * (py1 - py0));
    for (let y = py0; y < py1; y++) for (let x = px0; x < px1; x++) if (pieces.labels[y * w + x] === p) mask[(y - py0) * pw + (x - px0)] = 1;
    out.push({
      className: 'vertebra',
      score: 0,
      landmarkScore: { C2: 0, S1: 0, T1: 0, T12: 0 },
      x0: px0 + bx0,
      y0: py0 + by0,
      x1: px1 + bx0,
      y1: py1 + by0,
      mask,
      area: pieces.area[p]!,
    });
  }
  return out;
}
