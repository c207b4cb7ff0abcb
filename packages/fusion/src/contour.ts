/** Outlines of label regions as polygons, traced along pixel edges and simplified by Douglas–Peucker. */

export type Polygon = [number, number][];

const DX = [1, 0, -1, 0];
const DY = [0, 1, 0, -1];

/**
 * Outer boundaries of the 4-connected regions of `value` in a label mask, largest first.
 * `tolerance` 0: the exact pixel-corner outline (encloses exactly the region's pixel centres,
 * holes aside). `tolerance` > 0: the midpoints of the boundary edges simplified by Douglas–Peucker
 * with that distance in pixels, so staircases become straight lines.
 */
export function traceContour(
  labels: ArrayLike<number>,
  width: number,
  height: number,
  value: number,
  tolerance = 0.5,
  /** [x0, y0, x1, y1) to search for regions in; the whole mask by default. */
  bounds?: [number, number, number, number],
): Polygon[] {
  const at = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height && labels[y * width + x] === value;
  const found: { polygon: Polygon; area: number }[] = [];
  const b = bounds ?? [0, 0, width, height];
  const x0 = Math.max(0, Math.floor(b[0]));
  const y0 = Math.max(0, Math.floor(b[1]));
  const x1 = Math.min(width, Math.ceil(b[2]));
  const y1 = Math.min(height, Math.ceil(b[3]));
  if (x1 <= x0 || y1 <= y0) return [];
  const bw = x1 - x0;
  // Visited marks cover the bounds only; a region reaching outside them is traced whole but sized by its part inside.
  const seen = new Uint8Array(bw * (y1 - y0));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      if (labels[y * width + x] !== value || seen[(y - y0) * bw + (x - x0)]) continue;
      const area = flood(labels, width, value, x, y, [x0, y0, x1, y1], seen);
      // The first pixel of a region in raster order has background above and to its left.
      const corners = followBoundary(at, x, y, 4 * (width + 1) * (height + 1));
      found.push({ polygon: simplifyClosed(tolerance > 0 ? edgeMidpoints(corners) : dropCollinear(corners), tolerance), area });
    }
  }
  return found.sort((a, b) => b.area - a.area).map((f) => f.polygon);
}

/**
 * Midpoints of the unit boundary edges: a staircase becomes a straight line (DP can then drop it),
 * convex corners lose a 1/8 px² chamfer and every boundary pixel centre stays inside.
 */
function edgeMidpoints(corners: Polygon): Polygon {
  return corners.map((p, i) => {
    const q = corners[(i + 1) % corners.length]!;
    return [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2];
  });
}

/** Corner vertices only (where the boundary turns). */
function dropCollinear(ring: Polygon): Polygon {
  return ring.filter((p, i) => {
    const a = ring[(i + ring.length - 1) % ring.length]!;
    const b = ring[(i + 1) % ring.length]!;
    return (p[0] - a[0]) * (b[1] - p[1]) - (p[1] - a[1]) * (b[0] - p[0]) !== 0;
  });
}

/** Crack following with the region on the right-hand side, starting on the top edge of (sx, sy). */
function followBoundary(at: (x: number, y: number) => boolean, sx: number, sy: number, limit: number): Polygon {
  const poly: Polygon = [];
  let x = sx;
  let y = sy;
  let d = 0;
  for (let step = 0; step < limit; step++) {
    // Pixels ahead to the right and to the left of corner (x, y) when heading d.
    const rx = d === 0 || d === 3 ? x : x - 1;
    const ry = d === 0 || d === 1 ? y : y - 1;
    const lx = d === 0 || d === 1 ? x : x - 1;
    const ly = d === 1 || d === 2 ? y : y - 1;
    if (!at(rx, ry)) d = (d + 1) % 4;
    else if (at(lx, ly)) d = (d + 3) % 4;
    if (step > 0 && x === sx && y === sy && d === 0) break;
    poly.push([x, y]);
    x += DX[d]!;
    y += DY[d]!;
  }
  return poly;
}

function flood(labels: ArrayLike<number>, width: number, value: number, sx: number, sy: number, b: [number, number, number, number], seen: Uint8Array): number {
  const [x0, y0, x1, y1] = b;
  const bw = x1 - x0;
  const stack = [(sy - y0) * bw + (sx - x0)];
  seen[stack[0]!] = 1;
  let n = 0;
  while (stack.length) {
    const j = stack.pop()!;
    n++;
    const lx = j % bw;
    const ly = (j - lx) / bw;
    for (let nb = 0; nb < 4; nb++) {
      const qx = nb === 0 ? lx - 1 : nb === 1 ? lx + 1 : lx;
      const qy = nb === 2 ? ly - 1 : nb === 3 ? ly + 1 : ly;
      if (qx < 0 || qy < 0 || qx >= bw || qy >= y1 - y0) continue;
      const q = qy * bw + qx;
      if (seen[q] || labels[(qy + y0) * width + qx + x0] !== value) continue;
      seen[q] = 1;
      stack.push(q);
    }
  }
  return n;
}

/** Douglas–Peucker on a closed ring: split at the vertex farthest from the first, simplify both halves. */
export function simplifyClosed(ring: Polygon, tolerance: number): Polygon {
  if (tolerance <= 0 || ring.length <= 4) return ring;
  const a = ring[0]!;
  let far = 0;
  let farD = -1;
  ring.forEach((p, i) => {
    const d = (p[0] - a[0]) ** 2 + (p[1] - a[1]) ** 2;
    if (d > farD) {
      farD = d;
      far = i;
    }
  });
  const first = douglasPeucker(ring.slice(0, far + 1), tolerance);
  const second = douglasPeucker([...ring.slice(far), a], tolerance);
  return [...first.slice(0, -1), ...second.slice(0, -1)];
}

export function douglasPeucker(points: Polygon, tolerance: number): Polygon {
  if (points.length <= 2) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length) {
    const [s, e] = stack.pop()!;
    const [ax, ay] = points[s]!;
    const [bx, by] = points[e]!;
    const len = Math.hypot(bx - ax, by - ay);
    let idx = -1;
    let max = tolerance;
    for (let i = s + 1; i < e; i++) {
      const [px, py] = points[i]!;
      const d = len === 0 ? Math.hypot(px - ax, py - ay) : Math.abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / len;
      if (d > max) {
        max = d;
        idx = i;
      }
    }
    if (idx >= 0) {
      keep[idx] = 1;
      stack.push([s, idx], [idx, e]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

/** Shoelace area of a ring (absolute). */
export function polygonArea(ring: Polygon): number {
  let s = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x0, y0] = ring[i]!;
    const [x1, y1] = ring[(i + 1) % ring.length]!;
    s += x0 * y1 - x1 * y0;
  }
  return Math.abs(s) / 2;
}
