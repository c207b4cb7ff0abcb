import type { Vec } from './geometry.js';
import { pixelBox, worldGrid, type Projection } from './projection.js';
import type { Ellipsoid, Envelope, Plate, Tissue, Tube } from './solids.js';

/** Where line integrals accumulate: attenuation (μ·path summed over solids) per pixel. */
export interface Target {
  data: Float32Array;
  proj: Projection;
  mu: Readonly<Record<Tissue, number>>;
}

export function traceEllipsoid(t: Target, e: Ellipsoid): void {
  const c = Math.cos(e.angle);
  const s = Math.sin(e.angle);
  const [ra, rb] = e.radii;
  const ex = Math.abs(ra * c) + Math.abs(rb * s);
  const ey = Math.abs(ra * s) + Math.abs(rb * c);
  const box = pixelBox(t.proj, { x0: e.centre.x - ex, x1: e.centre.x + ex, y0: e.centre.y - ey, y1: e.centre.y + ey }, e.z);
  if (!box) return;
  const g = worldGrid(t.proj, e.z);
  const p = e.squareness ?? 2;
  const soft = e.soft === true;
  const shell = e.shell ? Math.min(e.shell.thickness, ra * 0.45, rb * 0.45, e.depth * 0.45) : 0;
  const muIn = t.mu[e.tissue];
  const muShell = e.shell ? t.mu[e.shell.tissue] : muIn;
  const [ia, ib, id] = [ra - shell, rb - shell, e.depth - shell];
  const W = t.proj.width;
  for (let j = box.j0; j <= box.j1; j++) {
    const dy = g.y0 - j * g.step - e.centre.y;
    for (let i = box.i0; i <= box.i1; i++) {
      const dx = g.x0 + i * g.step - e.centre.x;
      const a = Math.abs(dx * c + dy * s);
      const b = Math.abs(-dx * s + dy * c);
      const q = p === 2 ? (a / ra) ** 2 + (b / rb) ** 2 : (a / ra) ** p + (b / rb) ** p;
      if (q >= 1) continue;
      const outer = 2 * e.depth * (soft ? 1 - q : Math.sqrt(1 - q));
      let inner = 0;
      if (shell > 0) {
        const qi = p === 2 ? (a / ia) ** 2 + (b / ib) ** 2 : (a / ia) ** p + (b / ib) ** p;
        if (qi < 1) inner = 2 * id * Math.sqrt(1 - qi);
      } else inner = outer;
      t.data[j * W + i]! += muIn * inner + muShell * (outer - inner);
    }
  }
}

let scratchOuter = new Float32Array(0);
let scratchInner = new Float32Array(0);

/** A tube: each pixel takes the chord of its nearest segment (kept as a maximum, so joints do not double). */
export function traceTube(t: Target, drawn: Tube): void {
  const tube = { ...drawn, path: smoothPath(drawn.path) };
  const rMax = Math.max(tube.radius[0], tube.radius[1]);
  const xs = tube.path.map((q) => q.x);
  const ys = tube.path.map((q) => q.y);
  const box = pixelBox(t.proj, { x0: Math.min(...xs) - rMax, x1: Math.max(...xs) + rMax, y0: Math.min(...ys) - rMax, y1: Math.max(...ys) + rMax }, tube.z);
  if (!box) return;
  const bw = box.i1 - box.i0 + 1;
  const n = bw * (box.j1 - box.j0 + 1);
  if (scratchOuter.length < n) {
    scratchOuter = new Float32Array(n);
    scratchInner = new Float32Array(n);
  }
  scratchOuter.fill(0, 0, n);
  scratchInner.fill(0, 0, n);
  const lengths = tube.path.slice(1).map((q, k) => Math.hypot(q.x - tube.path[k]!.x, q.y - tube.path[k]!.y));
  const total = lengths.reduce((a, b) => a + b, 0) || 1;
  let run = 0;
  for (let k = 0; k + 1 < tube.path.length; k++) {
    const r0 = tube.radius[0] + ((tube.radius[1] - tube.radius[0]) * run) / total;
    run += lengths[k]!;
    const r1 = tube.radius[0] + ((tube.radius[1] - tube.radius[0]) * run) / total;
    segment(t, { tube, a: tube.path[k]!, b: tube.path[k + 1]!, r0, r1, box });
  }
  const muIn = t.mu[tube.tissue];
  const muShell = tube.shell ? t.mu[tube.shell.tissue] : muIn;
  const W = t.proj.width;
  for (let j = box.j0; j <= box.j1; j++) {
    for (let i = box.i0; i <= box.i1; i++) {
      const k = (j - box.j0) * bw + (i - box.i0);
      const outer = scratchOuter[k]!;
      if (outer > 0) t.data[j * W + i]! += muIn * scratchInner[k]! + muShell * (outer - scratchInner[k]!);
    }
  }
}

function segment(t: Target, s: { tube: Tube; a: Vec; b: Vec; r0: number; r1: number; box: { i0: number; i1: number; j0: number; j1: number } }): void {
  const { tube, a, b, r0, r1, box } = s;
  const r = Math.max(r0, r1);
  const sub = pixelBox(t.proj, { x0: Math.min(a.x, b.x) - r, x1: Math.max(a.x, b.x) + r, y0: Math.min(a.y, b.y) - r, y1: Math.max(a.y, b.y) + r }, tube.z);
  if (!sub) return;
  const g = worldGrid(t.proj, tube.z);
  const f = tube.flatten ?? 1;
  const shell = tube.shell ? tube.shell.thickness : 0;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy || 1e-9;
  const bw = box.i1 - box.i0 + 1;
  for (let j = sub.j0; j <= sub.j1; j++) {
    const py = g.y0 - j * g.step - a.y;
    for (let i = sub.i0; i <= sub.i1; i++) {
      const px = g.x0 + i * g.step - a.x;
      const u = Math.max(0, Math.min(1, (px * dx + py * dy) / len2));
      const ex = px - u * dx;
      const ey = py - u * dy;
      const d2 = ex * ex + ey * ey;
      const rr = r0 + (r1 - r0) * u;
      if (d2 >= rr * rr) continue;
      const k = (j - box.j0) * bw + (i - box.i0);
      const outer = 2 * f * Math.sqrt(rr * rr - d2);
      if (outer <= scratchOuter[k]!) continue;
      const ri = rr - shell;
      const inner = shell === 0 ? outer : d2 < ri * ri ? 2 * Math.max(0, f * rr - shell) * Math.sqrt(1 - d2 / (ri * ri)) : 0;
      scratchOuter[k] = outer;
      scratchInner[k] = inner;
    }
  }
}

export function tracePlate(t: Target, plate: Plate): void {
  const xs = plate.outline.map((q) => q.x);
  const ys = plate.outline.map((q) => q.y);
  const box = pixelBox(t.proj, { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) }, plate.z);
  if (!box) return;
  const g = worldGrid(t.proj, plate.z);
  const add = t.mu[plate.tissue] * plate.thickness;
  const W = t.proj.width;
  const n = plate.outline.length;
  const cross: number[] = [];
  for (let j = box.j0; j <= box.j1; j++) {
    const y = g.y0 - j * g.step;
    cross.length = 0;
    for (let k = 0; k < n; k++) {
      const p = plate.outline[k]!;
      const q = plate.outline[(k + 1) % n]!;
      if ((p.y <= y && y < q.y) || (q.y <= y && y < p.y)) cross.push(p.x + ((y - p.y) / (q.y - p.y)) * (q.x - p.x));
    }
    cross.sort((a, b) => a - b);
    for (let k = 0; k + 1 < cross.length; k += 2) {
      const from = Math.max(box.i0, Math.ceil((cross[k]! - g.x0) / g.step));
      const to = Math.min(box.i1, Math.floor((cross[k + 1]! - g.x0) / g.step));
      for (let i = from; i <= to; i++) t.data[j * W + i]! += add;
    }
  }
}

/** Catmull–Rom through `ys` at fractional index t (end points repeated). */
function spline(ys: number[], t: number): number {
  const k = Math.max(0, Math.min(ys.length - 1, Math.floor(t)));
  const f = Math.max(0, Math.min(1, t - k));
  const p0 = ys[Math.max(0, k - 1)]!;
  const p1 = ys[k]!;
  const p2 = ys[Math.min(ys.length - 1, k + 1)]!;
  const p3 = ys[Math.min(ys.length - 1, k + 2)]!;
  return 0.5 * (2 * p1 + (-p0 + p2) * f + (2 * p0 - 5 * p1 + 4 * p2 - p3) * f * f + (-p0 + 3 * p1 - 3 * p2 + p3) * f * f * f);
}

/** A polyline made smooth: Catmull–Rom through its points, `per` pieces a segment. */
export function smoothPath(path: Vec[], per = 6): Vec[] {
  if (path.length < 3) return path;
  const xs = path.map((p) => p.x);
  const ys = path.map((p) => p.y);
  const out: Vec[] = [];
  for (let t = 0; t <= path.length - 1 + 1e-9; t += 1 / per) out.push({ x: spline(xs, t), y: spline(ys, t) });
  return out;
}

/** The soft-tissue envelope over the whole field: an elliptic chord between smooth skin lines. */
export function traceEnvelope(t: Target, env: Envelope): void {
  const g = worldGrid(t.proj, 0);
  const mu = t.mu[env.tissue];
  const knots = [...env.knots].sort((a, b) => b.y - a.y);
  const at = (key: 'front' | 'back' | 'halfWidth'): number[] => knots.map((k) => k[key]);
  const [fronts, backs, widths] = [at('front'), at('back'), at('halfWidth')];
  const W = t.proj.width;
  let k = 0;
  for (let j = 0; j < t.proj.height; j++) {
    const y = g.y0 - j * g.step;
    while (k + 2 < knots.length && knots[k + 1]!.y > y) k++;
    const span = knots[k]!.y - knots[Math.min(k + 1, knots.length - 1)]!.y;
    const f = k + (span > 0 ? Math.max(0, Math.min(1, (knots[k]!.y - y) / span)) : 0);
    const front = spline(fronts, f);
    const back = spline(backs, f);
    const hw = spline(widths, f);
    const mid = (front + back) / 2;
    const half = (front - back) / 2;
    for (let i = 0; i < W; i++) {
      const x = (g.x0 + i * g.step - mid) / half;
      if (x > -1 && x < 1) t.data[j * W + i]! += mu * 2 * hw * Math.sqrt(1 - x * x);
    }
  }
}
