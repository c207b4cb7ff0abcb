/** Plane geometry for the film: points, similarity maps, polygon measures and clipping. */

export interface Point {
  x: number;
  y: number;
}

export const pt = (x: number, y: number): Point => ({ x, y });

/**
 * A similarity map (rotation, uniform scale, translation, optional mirror in x after the rest):
 * it keeps ellipses ellipses and tubes tubes, so one anatomy can be placed on any film.
 */
export interface Placement {
  /** Rotation in radians, applied first about the origin. */
  angle: number;
  /** Output units per input unit (pixels per mm). */
  scale: number;
  dx: number;
  dy: number;
  /** Mirror x → mirrorWidth − x last (the patient facing the other way). */
  mirrorWidth?: number;
}

export function place(p: Point, m: Placement): Point {
  const c = Math.cos(m.angle);
  const s = Math.sin(m.angle);
  const x = (c * p.x - s * p.y) * m.scale + m.dx;
  const y = (s * p.x + c * p.y) * m.scale + m.dy;
  return { x: m.mirrorWidth !== undefined ? m.mirrorWidth - x : x, y };
}

export function rotateAbout(p: Point, centre: Point, angle: number): Point {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const x = p.x - centre.x;
  const y = p.y - centre.y;
  return { x: centre.x + c * x - s * y, y: centre.y + s * x + c * y };
}

/** Shoelace area (absolute). */
export function polygonArea(points: readonly Point[]): number {
  let sum = 0;
  for (let i = 0; i < points.length; i++) {
    const a = points[i]!;
    const b = points[(i + 1) % points.length]!;
    sum += a.x * b.y - b.x * a.y;
  }
  return Math.abs(sum) / 2;
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function boundsOf(points: readonly Point[]): Box {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of points) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  return { x0, y0, x1, y1 };
}

/** Sutherland–Hodgman clip of a polygon to an axis-aligned box. */
export function clipToBox(points: readonly Point[], box: Box): Point[] {
  type Edge = { inside: (p: Point) => boolean; cross: (a: Point, b: Point) => Point };
  const atX =
    (x: number) =>
    (a: Point, b: Point): Point => ({ x, y: a.y + ((x - a.x) / (b.x - a.x)) * (b.y - a.y) });
  const atY =
    (y: number) =>
    (a: Point, b: Point): Point => ({ x: a.x + ((y - a.y) / (b.y - a.y)) * (b.x - a.x), y });
  const edges: Edge[] = [
    { inside: (p) => p.x >= box.x0, cross: atX(box.x0) },
    { inside: (p) => p.x <= box.x1, cross: atX(box.x1) },
    { inside: (p) => p.y >= box.y0, cross: atY(box.y0) },
    { inside: (p) => p.y <= box.y1, cross: atY(box.y1) },
  ];
  let out = [...points];
  for (const edge of edges) {
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const cur = input[i]!;
      const prev = input[(i + input.length - 1) % input.length]!;
      if (edge.inside(cur)) {
        if (!edge.inside(prev)) out.push(edge.cross(prev, cur));
        out.push(cur);
      } else if (edge.inside(prev)) {
        out.push(edge.cross(prev, cur));
      }
    }
    if (out.length === 0) break;
  }
  return out;
}

/** True when every vertex lies inside the box. */
export function insideBox(points: readonly Point[], box: Box): boolean {
  return points.every((p) => p.x >= box.x0 && p.x <= box.x1 && p.y >= box.y0 && p.y <= box.y1);
}

/**
 * Pixels whose centre (x + 0.5, y + 0.5) lies inside the polygon (even–odd rule), within a window
 * of the film: the same sampling rule the evaluator uses to rasterise COCO polygons, so the body
 * painted and the body scored are the same pixels.
 */
export function fillPolygon(points: readonly Point[], win: { x: number; y: number; w: number; h: number }): Uint8Array {
  const mask = new Uint8Array(win.w * win.h);
  const xs: number[] = [];
  for (let row = 0; row < win.h; row++) {
    const yc = win.y + row + 0.5;
    xs.length = 0;
    for (let i = 0; i < points.length; i++) {
      const a = points[i]!;
      const b = points[(i + 1) % points.length]!;
      if ((a.y <= yc && yc < b.y) || (b.y <= yc && yc < a.y)) xs.push(a.x + ((yc - a.y) / (b.y - a.y)) * (b.x - a.x));
    }
    xs.sort((p, q) => p - q);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const from = Math.max(0, Math.ceil(xs[k]! - 0.5) - win.x);
      const to = Math.min(win.w, Math.ceil(xs[k + 1]! - 0.5) - win.x);
      for (let col = from; col < to; col++) mask[row * win.w + col] = 1;
    }
  }
  return mask;
}

/** Chaikin corner cutting of an open polyline (ends kept): smooth skin lines from a few points. */
export function smoothPath(points: readonly Point[], rounds = 3): Point[] {
  let out = [...points];
  for (let r = 0; r < rounds; r++) {
    const next: Point[] = [out[0]!];
    for (let i = 0; i + 1 < out.length; i++) {
      const a = out[i]!;
      const b = out[i + 1]!;
      next.push(pt(0.75 * a.x + 0.25 * b.x, 0.75 * a.y + 0.25 * b.y), pt(0.25 * a.x + 0.75 * b.x, 0.25 * a.y + 0.75 * b.y));
    }
    next.push(out[out.length - 1]!);
    out = next;
  }
  return out;
}
