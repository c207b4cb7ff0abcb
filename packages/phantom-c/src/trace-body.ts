import { normalTo, toWorld, type Vec } from './geometry.js';
import { backAt, bottomAt, frontAt, outline, topAt, uSpan } from './profile.js';
import { pixelBox, toDetector, toPixel, worldGrid, type Projection } from './projection.js';
import { Rng } from './random.js';
import type { BodySolid } from './solids.js';
import type { Target } from './trace.js';

const TABLE = 384;
const SECTION_STEPS = 1024;
/** (1 − a^p)^(1/p) for a in [0, 1]: a rounded front (p 2.4) and a flat back (p 5). */
const section = (p: number): Float32Array => Float32Array.from({ length: SECTION_STEPS + 1 }, (_, k) => (1 - (k / SECTION_STEPS) ** p) ** (1 / p));
const FRONT_SECTION = section(2.4);
const BACK_SECTION = section(5);

/**
 * Half the left–right extent of the body at u, between walls at `back` and `front`: a flat-backed
 * section (the vertebral body is kidney-shaped, flat at the canal), less `shrink` for the marrow.
 */
function halfExtent(u: number, walls: { back: number; front: number; halfWidth: number }, shrink: number): number {
  const half = (walls.front - walls.back) / 2 - shrink;
  if (half <= 0) return 0;
  const c = (u - (walls.front + walls.back) / 2) / half;
  const a = Math.abs(c);
  if (a >= 1) return 0;
  return Math.max(0, walls.halfWidth - shrink) * (c > 0 ? FRONT_SECTION : BACK_SECTION)[Math.round(a * SECTION_STEPS)]!;
}

/**
 * How steeply rays through this body climb in its own v per mm of beam path: the divergence of the
 * beam where the body lies (so endplates away from the central ray project as ellipses) plus tilt.
 */
export function raySlope(body: BodySolid, proj: Projection): number {
  const d = toDetector(proj, body.frame.origin, 0);
  const n = normalTo(body.frame.angle);
  return -(d.x * n.x + d.y * n.y) / proj.sid + body.tilt;
}

/** Beam-wise length of the ray v = v0 + s·z, |z| ≤ h, that lies in [lo, hi]. */
function within(lo: number, hi: number, ray: { v0: number; s: number; h: number }): number {
  if (hi <= lo || ray.h <= 0) return 0;
  if (Math.abs(ray.s) < 1e-7) return ray.v0 >= lo && ray.v0 <= hi ? 2 * ray.h : 0;
  let z1 = (lo - ray.v0) / ray.s;
  let z2 = (hi - ray.v0) / ray.s;
  if (z1 > z2) [z1, z2] = [z2, z1];
  return Math.max(0, Math.min(z2, ray.h) - Math.max(z1, -ray.h));
}

/** The body's outline on the film, in pixels: the profile stretched by what the slanting rays add. */
export function bodySilhouette(body: BodySolid, proj: Projection): Vec[] {
  const s = Math.abs(raySlope(body, proj));
  const p = body.profile;
  return outline(p, 14).map((q) => {
    const vc = Math.max(bottomAt(p, q.x) || q.y, Math.min(topAt(p, q.x) || q.y, q.y));
    const h = halfExtent(q.x, { back: backAt(p, vc), front: frontAt(p, vc), halfWidth: body.width / 2 }, 0);
    return toPixel(proj, toWorld(body.frame, q.x, q.y + Math.sign(q.y) * h * s), 0);
  });
}

/**
 * Trabecular grain: value noise on cells taller than wide, as vertical trabeculae look on a lateral
 * film, sampled once onto a 0.2 mm table over the body's own frame.
 */
function grainTable(seed: number, span: { u0: number; u1: number; v0: number; v1: number }): (u: number, v: number) => number {
  const field = grainField(seed);
  const step = 0.2;
  const nu = Math.ceil((span.u1 - span.u0) / step) + 2;
  const nv = Math.ceil((span.v1 - span.v0) / step) + 2;
  const table = new Float32Array(nu * nv);
  for (let j = 0; j < nv; j++) for (let i = 0; i < nu; i++) table[j * nu + i] = field(span.u0 + i * step, span.v0 + j * step);
  return (u, v) => {
    const i = Math.max(0, Math.min(nu - 1, Math.round((u - span.u0) / step)));
    const j = Math.max(0, Math.min(nv - 1, Math.round((v - span.v0) / step)));
    return table[j * nu + i]!;
  };
}

function grainField(seed: number): (u: number, v: number) => number {
  const rng = new Rng(seed);
  const size = 64;
  const cells = Float32Array.from({ length: size * size }, () => rng.next());
  const smooth = (t: number): number => t * t * (3 - 2 * t);
  const sample = (x: number, y: number): number => {
    const xi = Math.floor(x);
    const yi = Math.floor(y);
    const fx = smooth(x - xi);
    const fy = smooth(y - yi);
    const at = (a: number, b: number): number => cells[((b & 63) << 6) | (a & 63)]!;
    const top = at(xi, yi) + (at(xi + 1, yi) - at(xi, yi)) * fx;
    const bottom = at(xi, yi + 1) + (at(xi + 1, yi + 1) - at(xi, yi + 1)) * fx;
    return top + (bottom - top) * fy;
  };
  return (u, v) => 0.62 + 0.5 * sample(u / 0.9 + 40, v / 2.6 + 40) + 0.26 * sample(u / 0.4 + 7, v / 0.9 + 3);
}

interface Tables {
  u0: number;
  du: number;
  top: Float32Array;
  bottom: Float32Array;
  v0: number;
  dv: number;
  front: Float32Array;
  back: Float32Array;
}

function tables(body: BodySolid): Tables {
  const p = body.profile;
  const [ua, ub] = uSpan(p);
  const du = (ub - ua) / (TABLE - 1);
  const top = Float32Array.from({ length: TABLE }, (_, k) => topAt(p, ua + k * du));
  const bottom = Float32Array.from({ length: TABLE }, (_, k) => bottomAt(p, ua + k * du));
  const finite = (a: Float32Array): number[] => [...a].filter(Number.isFinite);
  const va = Math.min(...finite(bottom));
  const vb = Math.max(...finite(top));
  const dv = (vb - va) / (TABLE - 1);
  const front = Float32Array.from({ length: TABLE }, (_, k) => frontAt(p, va + k * dv));
  const back = Float32Array.from({ length: TABLE }, (_, k) => backAt(p, va + k * dv));
  return { u0: ua, du, top, bottom, v0: va, dv, front, back };
}

export function traceBody(t: Target, body: BodySolid): void {
  const tab = tables(body);
  const s = raySlope(body, t.proj);
  const hw = body.width / 2;
  const grow = hw * Math.abs(s) + 1;
  const world = outline(body.profile, 6).map((q) => toWorld(body.frame, q.x, q.y));
  const xs = world.map((q) => q.x);
  const ys = world.map((q) => q.y);
  const box = pixelBox(t.proj, { x0: Math.min(...xs) - grow, x1: Math.max(...xs) + grow, y0: Math.min(...ys) - grow, y1: Math.max(...ys) + grow }, 0);
  if (!box) return;
  const g = worldGrid(t.proj, 0);
  const grain = grainTable(body.grain, { u0: tab.u0, u1: tab.u0 + tab.du * (TABLE - 1), v0: tab.v0, v1: tab.v0 + tab.dv * (TABLE - 1) });
  const c = Math.cos(body.frame.angle);
  const sn = Math.sin(body.frame.angle);
  const { cortex, endplate: ep, sclerosis } = body;
  const muCortex = t.mu.cortex;
  const muMarrow = t.mu.cancellous * body.density;
  const muSclerosis = 0.5 * (t.mu.cortex - t.mu.cancellous);
  const W = t.proj.width;
  // Reused per pixel rather than allocated: this loop is the renderer's hottest.
  const walls = { back: 0, front: 0, halfWidth: hw };
  const ray = { v0: 0, s, h: 0 };
  for (let j = box.j0; j <= box.j1; j++) {
    const dy = g.y0 - j * g.step - body.frame.origin.y;
    for (let i = box.i0; i <= box.i1; i++) {
      const dx = g.x0 + i * g.step - body.frame.origin.x;
      const u = dx * c + dy * sn;
      const v0 = -dx * sn + dy * c;
      const ku = Math.round((u - tab.u0) / tab.du);
      if (ku < 0 || ku >= TABLE) continue;
      const top = tab.top[ku]!;
      const bottom = tab.bottom[ku]!;
      if (!(top > bottom)) continue;
      const kv = Math.max(0, Math.min(TABLE - 1, Math.round((Math.max(bottom, Math.min(top, v0)) - tab.v0) / tab.dv)));
      walls.back = tab.back[kv]!;
      walls.front = tab.front[kv]!;
      if (u <= walls.back || u >= walls.front) continue;
      ray.v0 = v0;
      ray.h = halfExtent(u, walls, 0);
      const total = within(bottom, top, ray);
      if (total <= 0) continue;
      ray.h = halfExtent(u, walls, cortex);
      const inner = within(bottom + ep, top - ep, ray);
      let dense = 0;
      if (sclerosis > 0) dense = within(top - sclerosis, top - ep, ray) + within(bottom + ep, bottom + sclerosis, ray);
      t.data[j * W + i]! += muCortex * Math.max(0, total - inner) + muMarrow * grain(u, v0) * inner + muSclerosis * dense;
    }
  }
}
