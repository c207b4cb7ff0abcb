import type { Vec } from './geometry.js';

/**
 * The sagittal outline of a vertebral body in its own frame (u anterior, v cranial, mm), as
 * functions so the renderer and the ground-truth outline read the same shape.
 */
export interface BodyProfile {
  halfDepth: number;
  halfHeight: number;
  /** Wedge, radians: positive when the anterior wall is the taller. */
  wedge: number;
  /** The anterior wall leans: its top lies `taper` × halfDepth further forward than its middle. */
  taper: number;
  /** Endplate concavity at mid-depth, mm. */
  cupTop: number;
  cupBottom: number;
  /** Waisting of the anterior and posterior walls at mid-height, mm. */
  waistFront: number;
  waistBack: number;
  cornerRadius: number;
  /** Anterior osteophyte flare at both anterior corners, mm. */
  spur: number;
  /** The anterior-inferior lip of a cervical body hanging over the disc, mm. */
  lip: number;
}

const ramp = (t: number): number => (t > 0.6 ? ((t - 0.6) / 0.4) ** 2 : 0);

function rawTop(p: BodyProfile, u: number): number {
  return p.halfHeight + u * Math.tan(p.wedge / 2);
}

function rawBottom(p: BodyProfile, u: number): number {
  return -p.halfHeight - u * Math.tan(p.wedge / 2) - p.lip * Math.max(0, (u - 0.3 * p.halfDepth) / (0.7 * p.halfDepth)) ** 1.5;
}

/** Where v lies along a wall running from `bottom` to `top`, −1…1 between the corners' roundings. */
function along(p: BodyProfile, v: number, ends: [number, number]): number {
  const [bottom, top] = ends;
  return Math.max(-1, Math.min(1, (2 * v - top - bottom) / Math.max(1e-6, top - bottom - 2 * p.cornerRadius)));
}

/** The anterior wall's u at height v. */
export function frontAt(p: BodyProfile, v: number): number {
  const t = along(p, v, [rawBottom(p, p.halfDepth), rawTop(p, p.halfDepth)]);
  return p.halfDepth * (1 + p.taper * t) - p.waistFront * (1 - t * t) + p.spur * ramp(Math.abs(t));
}

/** The posterior wall's u at height v. */
export function backAt(p: BodyProfile, v: number): number {
  const t = along(p, v, [rawBottom(p, -p.halfDepth), rawTop(p, -p.halfDepth)]);
  return -p.halfDepth + p.waistBack * (1 - t * t);
}

function corners(p: BodyProfile): { front: number; back: number; frontLow: number; backLow: number } {
  return {
    front: frontAt(p, rawTop(p, p.halfDepth)),
    back: backAt(p, rawTop(p, -p.halfDepth)),
    frontLow: frontAt(p, rawBottom(p, p.halfDepth)),
    backLow: backAt(p, rawBottom(p, -p.halfDepth)),
  };
}

/** How far a rounded corner lowers an edge at u, given the corners' u. */
function rounding(p: BodyProfile, u: number, [back, front]: [number, number]): number {
  const r = p.cornerRadius;
  let d = 0;
  if (u > front - r) d = u - (front - r);
  else if (u < back + r) d = back + r - u;
  if (d <= 0) return 0;
  return r - Math.sqrt(Math.max(0, r * r - Math.min(d, r) ** 2));
}

const cup = (p: BodyProfile, u: number): number => Math.max(0, 1 - (u / p.halfDepth) ** 2);

/** The superior endplate's v at u; NaN outside the body's span. */
export function topAt(p: BodyProfile, u: number): number {
  const c = corners(p);
  if (u < c.back - 1e-9 || u > c.front + 1e-9) return NaN;
  u = Math.max(c.back, Math.min(c.front, u));
  return rawTop(p, u) - p.cupTop * cup(p, u) - rounding(p, u, [c.back, c.front]);
}

/** The inferior endplate's v at u; NaN outside the body's span. */
export function bottomAt(p: BodyProfile, u: number): number {
  const c = corners(p);
  if (u < c.backLow - 1e-9 || u > c.frontLow + 1e-9) return NaN;
  u = Math.max(c.backLow, Math.min(c.frontLow, u));
  return rawBottom(p, u) + p.cupBottom * cup(p, u) + rounding(p, u, [c.backLow, c.frontLow]);
}

/** The u span the body covers at any height: for bounding boxes and tables. */
export function uSpan(p: BodyProfile): [number, number] {
  const c = corners(p);
  const mid = frontAt(p, 0);
  return [Math.min(c.back, c.backLow, backAt(p, 0)), Math.max(c.front, c.frontLow, mid)];
}

/** The closed outline, counter-clockwise from the posterior-inferior corner, `n` points per side. */
export function outline(p: BodyProfile, n = 12): Vec[] {
  const c = corners(p);
  const r = p.cornerRadius;
  const pts: Vec[] = [];
  const backTop = rawTop(p, -p.halfDepth) - r;
  const backBottom = rawBottom(p, -p.halfDepth) + r;
  for (let i = 0; i < n; i++) {
    const v = backTop + ((backBottom - backTop) * (n - i)) / n;
    pts.push({ x: backAt(p, v), y: v });
  }
  for (let i = 0; i <= 2 * n; i++) {
    const u = c.back + ((c.front - c.back) * i) / (2 * n);
    pts.push({ x: u, y: topAt(p, u) });
  }
  const frontTop = rawTop(p, p.halfDepth) - r;
  const frontBottom = rawBottom(p, p.halfDepth) + r;
  for (let i = 1; i < n; i++) {
    const v = frontTop + ((frontBottom - frontTop) * i) / n;
    pts.push({ x: frontAt(p, v), y: v });
  }
  for (let i = 0; i <= 2 * n; i++) {
    const u = c.frontLow + ((c.backLow - c.frontLow) * i) / (2 * n);
    pts.push({ x: u, y: bottomAt(p, u) });
  }
  return pts.filter((q) => Number.isFinite(q.y));
}
