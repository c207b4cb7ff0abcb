export interface Point {
  x: number;
  y: number;
}
export type Polygon = Point[];

export const pt = (x: number, y: number): Point => ({ x, y });
export const add = (a: Point, b: Point): Point => ({ x: a.x + b.x, y: a.y + b.y });
export const sub = (a: Point, b: Point): Point => ({ x: a.x - b.x, y: a.y - b.y });
export const scale = (a: Point, s: number): Point => ({ x: a.x * s, y: a.y * s });
export const lerp = (a: Point, b: Point, t: number): Point => ({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t });
export const length = (a: Point): number => Math.hypot(a.x, a.y);
export const normalize = (a: Point): Point => scale(a, 1 / (length(a) || 1));
/** Rotate 90° counter-clockwise in image axes (x right, y down): (x, y) → (y, −x). */
export const perp = (a: Point): Point => ({ x: a.y, y: -a.x });
export const rotate = (a: Point, angle: number): Point => {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return { x: a.x * c - a.y * s, y: a.x * s + a.y * c };
};

/** A local frame: origin, u (caudal, along the spine), v (anterior). */
export interface Frame2 {
  origin: Point;
  u: Point;
  v: Point;
}

export function local(frame: Frame2, along: number, anterior: number): Point {
  return {
    x: frame.origin.x + frame.u.x * along + frame.v.x * anterior,
    y: frame.origin.y + frame.u.y * along + frame.v.y * anterior,
  };
}

/** Signed shoelace area (positive for clockwise in image axes). */
export function signedArea(poly: Polygon): number {
  let s = 0;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const a = poly[j]!;
    const b = poly[i]!;
    s += a.x * b.y - b.x * a.y;
  }
  return s / 2;
}

export function centroid(poly: Polygon): Point {
  let x = 0;
  let y = 0;
  for (const p of poly) {
    x += p.x;
    y += p.y;
  }
  return { x: x / poly.length, y: y / poly.length };
}

export interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function bounds(poly: Polygon): Box {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of poly) {
    if (p.x < minX) minX = p.x;
    if (p.y < minY) minY = p.y;
    if (p.x > maxX) maxX = p.x;
    if (p.y > maxY) maxY = p.y;
  }
  return { minX, minY, maxX, maxY };
}

/** Chaikin corner cutting: rounds corners of a closed polygon. */
export function chaikin(poly: Polygon, iterations = 1): Polygon {
  let out = poly;
  for (let k = 0; k < iterations; k++) {
    const next: Polygon = [];
    for (let i = 0; i < out.length; i++) {
      const a = out[i]!;
      const b = out[(i + 1) % out.length]!;
      next.push(lerp(a, b, 0.25), lerp(a, b, 0.75));
    }
    out = next;
  }
  return out;
}

/** Moves every vertex inwards along its averaged normal; good for smooth, mostly convex outlines. */
export function inset(poly: Polygon, distance: number): Polygon {
  const orientation = Math.sign(signedArea(poly)) || 1;
  const n = poly.length;
  return poly.map((p, i) => {
    const prev = poly[(i - 1 + n) % n]!;
    const next = poly[(i + 1) % n]!;
    const tangent = normalize(sub(next, prev));
    // For a clockwise outline (image axes) the inward normal is perp(tangent) rotated back.
    const inward = scale(perp(tangent), -orientation);
    return add(p, scale(inward, distance));
  });
}

/** Sutherland–Hodgman clip of any polygon against an axis-aligned rectangle. */
export function clipToRect(poly: Polygon, minX: number, minY: number, maxX: number, maxY: number): Polygon {
  type Inside = (p: Point) => boolean;
  type Cross = (a: Point, b: Point) => Point;
  const edges: Array<[Inside, Cross]> = [
    [(p) => p.x >= minX, (a, b) => lerp(a, b, (minX - a.x) / (b.x - a.x))],
    [(p) => p.x <= maxX, (a, b) => lerp(a, b, (maxX - a.x) / (b.x - a.x))],
    [(p) => p.y >= minY, (a, b) => lerp(a, b, (minY - a.y) / (b.y - a.y))],
    [(p) => p.y <= maxY, (a, b) => lerp(a, b, (maxY - a.y) / (b.y - a.y))],
  ];
  let out = poly;
  for (const [inside, cross] of edges) {
    if (out.length === 0) break;
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const cur = input[i]!;
      const prev = input[(i - 1 + input.length) % input.length]!;
      const curIn = inside(cur);
      const prevIn = inside(prev);
      if (curIn) {
        if (!prevIn) out.push(cross(prev, cur));
        out.push(cur);
      } else if (prevIn) out.push(cross(prev, cur));
    }
  }
  return out;
}

/** Affine map p → (a·x + b·y + c, d·x + e·y + f). */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

export const applyAffine = (m: Affine, p: Point): Point => ({ x: m.a * p.x + m.b * p.y + m.c, y: m.d * p.x + m.e * p.y + m.f });

export function invertAffine(m: Affine): Affine {
  const det = m.a * m.e - m.b * m.d;
  const a = m.e / det;
  const b = -m.b / det;
  const d = -m.d / det;
  const e = m.a / det;
  return { a, b, d, e, c: -(a * m.c + b * m.f), f: -(d * m.c + e * m.f) };
}

/** Ellipse outline with n vertices. */
export function ellipse(center: Point, rx: number, ry: number, angle = 0, n = 32): Polygon {
  const out: Polygon = [];
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n;
    out.push(add(center, rotate({ x: rx * Math.cos(t), y: ry * Math.sin(t) }, angle)));
  }
  return out;
}

/** A thick band along a polyline (ribs, arches, plates): left side out, right side back. */
export function band(path: Polygon, halfWidth: (t: number) => number): Polygon {
  const left: Polygon = [];
  const right: Polygon = [];
  const n = path.length;
  for (let i = 0; i < n; i++) {
    const prev = path[Math.max(0, i - 1)]!;
    const next = path[Math.min(n - 1, i + 1)]!;
    const normal = normalize(perp(sub(next, prev)));
    const w = halfWidth(n === 1 ? 0 : i / (n - 1));
    left.push(add(path[i]!, scale(normal, w)));
    right.push(sub(path[i]!, scale(normal, w)));
  }
  return [...left, ...right.reverse()];
}

/** Quadratic Bézier sampled at n+1 points. */
export function bezier(p0: Point, p1: Point, p2: Point, n = 12): Polygon {
  const out: Polygon = [];
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    const s = 1 - t;
    out.push({ x: s * s * p0.x + 2 * s * t * p1.x + t * t * p2.x, y: s * s * p0.y + 2 * s * t * p1.y + t * t * p2.y });
  }
  return out;
}
