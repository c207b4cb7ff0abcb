/**
 * Orders vertebral bodies along the spine's curve. Raw y order breaks on tilted films and strong
 * lordosis, so the chain walks from one end to the nearest body ahead, with a direction that
 * turns smoothly (each step may bend the heading by at most ~60°).
 */
export type Point = readonly [number, number];

export interface ChainOptions {
  /** Longest step allowed between consecutive bodies (frame px); longer means off the chain. */
  maxStep: number;
  /** Chain start (e.g. the reference body); otherwise every body is tried as an end. */
  start?: number;
}

export interface Chain {
  /** Indices into the points, in walking order from one end to the other. */
  order: number[];
  /** Points on no chain (implants, noise, a body far from the spine). */
  off: number[];
}

const MIN_COS = 0.5;
const BEND_WEIGHT = 2;
/** Beyond this many points only the two ends of the principal axis are tried as starts. */
const EXHAUSTIVE_LIMIT = 40;

export function orderAlongSpine(points: readonly Point[], opts: ChainOptions): Chain {
  const n = points.length;
  if (n === 0) return { order: [], off: [] };
  if (n === 1) return { order: [0], off: [] };
  const axis = principalAxis(points);
  let best: { order: number[]; cost: number } | undefined;
  const consider = (order: number[], cost: number) => {
    if (!best || order.length > best.order.length || (order.length === best.order.length && cost < best.cost)) best = { order, cost };
  };
  if (opts.start !== undefined) {
    const s = opts.start;
    // Walk both ways from the reference; the longer walk is the spine, the other what lies beyond it.
    const fwd = walk(points, s, axis, opts.maxStep, new Uint8Array(n));
    const bwd = walk(points, s, [-axis[0], -axis[1]], opts.maxStep, new Uint8Array(n));
    const main = fwd.order.length >= bwd.order.length ? fwd : bwd;
    const used = new Uint8Array(n);
    for (const i of main.order) used[i] = 1;
    const beyond = walk(points, s, negate(headingOf(points, main.order)), opts.maxStep, used);
    const order = [...beyond.order.slice(1).reverse(), ...main.order];
    return withOff(order, n);
  }
  const starts = n <= EXHAUSTIVE_LIMIT ? points.map((_, i) => i) : extremes(points, axis);
  for (const s of starts) {
    for (const dir of [axis, negate(axis)]) {
      const w = walk(points, s, dir, opts.maxStep, new Uint8Array(n));
      consider(w.order, w.cost);
    }
  }
  return withOff(best!.order, n);
}

function walk(points: readonly Point[], start: number, dir0: Point, maxStep: number, used: Uint8Array): { order: number[]; cost: number } {
  const order = [start];
  used[start] = 1;
  let [dx, dy] = dir0;
  let cost = 0;
  let cur = start;
  for (;;) {
    let next = -1;
    let nextCost = Infinity;
    const [cx, cy] = points[cur]!;
    for (let j = 0; j < points.length; j++) {
      if (used[j]) continue;
      const vx = points[j]![0] - cx;
      const vy = points[j]![1] - cy;
      const d = Math.hypot(vx, vy);
      if (d === 0 || d > maxStep) continue;
      const cos = (vx * dx + vy * dy) / d;
      // The first step from a given start may go either way along the axis: only later steps must keep heading.
      if (order.length > 1 && cos < MIN_COS) continue;
      if (order.length === 1 && cos < 0) continue;
      const c = d * (1 + BEND_WEIGHT * (1 - cos));
      if (c < nextCost) {
        nextCost = c;
        next = j;
      }
    }
    if (next < 0) break;
    const vx = points[next]![0] - cx;
    const vy = points[next]![1] - cy;
    const d = Math.hypot(vx, vy);
    const hx = order.length === 1 ? vx / d : 0.5 * dx + 0.5 * (vx / d);
    const hy = order.length === 1 ? vy / d : 0.5 * dy + 0.5 * (vy / d);
    const hn = Math.hypot(hx, hy) || 1;
    dx = hx / hn;
    dy = hy / hn;
    used[next] = 1;
    order.push(next);
    cost += nextCost;
    cur = next;
  }
  return { order, cost };
}

function withOff(order: number[], n: number): Chain {
  const on = new Uint8Array(n);
  for (const i of order) on[i] = 1;
  const off: number[] = [];
  for (let i = 0; i < n; i++) if (!on[i]) off.push(i);
  return { order, off };
}

function headingOf(points: readonly Point[], order: number[]): Point {
  if (order.length < 2) return [0, 1];
  const a = points[order[0]!]!;
  const b = points[order[1]!]!;
  const d = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
  return [(b[0] - a[0]) / d, (b[1] - a[1]) / d];
}

function negate(p: Point): Point {
  return [-p[0], -p[1]];
}

/** Unit vector of the largest spread of the points (vertical when they give none). */
export function principalAxis(points: readonly Point[]): Point {
  let mx = 0;
  let my = 0;
  for (const [x, y] of points) {
    mx += x;
    my += y;
  }
  mx /= points.length;
  my /= points.length;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
    sxy += (x - mx) * (y - my);
  }
  if (sxx + syy === 0) return [0, 1];
  const theta = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  return [Math.cos(theta), Math.sin(theta)];
}

function extremes(points: readonly Point[], axis: Point): number[] {
  let lo = 0;
  let hi = 0;
  const proj = (i: number) => points[i]![0] * axis[0] + points[i]![1] * axis[1];
  for (let i = 1; i < points.length; i++) {
    if (proj(i) < proj(lo)) lo = i;
    if (proj(i) > proj(hi)) hi = i;
  }
  return [lo, hi];
}
