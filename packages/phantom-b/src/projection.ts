import { boundsOf, fillPolygon, type Point } from './geometry.js';
import type { Matter, Solid } from './solids.js';

/**
 * Line integrals of attenuation: for every pixel, Σ μ·t over the solids the ray crosses. A solid's
 * path length at in-plane distance d inside its outline follows the chord of a rounded slab, and a
 * cortex adds the path through its shell (long where the ray grazes it, so rims come out bright).
 */
export class AttenuationMap {
  readonly data: Float32Array;

  /** `grain` (mean 1, row-major, cell `grainCell` film pixels wide) modulates trabecular bone: its texture. */
  constructor(
    readonly width: number,
    readonly height: number,
    private readonly grain?: { data: Float32Array; width: number; cell: number },
  ) {
    this.data = new Float32Array(width * height);
  }

  private grainAt(x: number, y: number): number {
    const g = this.grain;
    if (!g) return 1;
    return g.data[Math.floor(y / g.cell) * g.width + Math.floor(x / g.cell)] ?? 1;
  }

  add(solid: Solid): void {
    if (solid.kind === 'outline') this.addOutline(solid.points, solid.matter);
    else this.addTube(solid.path, solid.radius, solid.matter);
  }

  private addOutline(points: readonly Point[], matter: Matter): void {
    const box = boundsOf(points);
    const x0 = Math.max(0, Math.floor(box.x0) - 1);
    const y0 = Math.max(0, Math.floor(box.y0) - 1);
    const x1 = Math.min(this.width, Math.ceil(box.x1) + 1);
    const y1 = Math.min(this.height, Math.ceil(box.y1) + 1);
    if (x1 <= x0 || y1 <= y0) return;
    const win = { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
    const mask = fillPolygon(points, win);
    const depth = insideDistance(mask, win.w, win.h);
    const textured = matter.cortex !== undefined;
    for (let row = 0; row < win.h; row++) {
      const base = (win.y + row) * this.width + win.x;
      for (let col = 0; col < win.w; col++) {
        const k = row * win.w + col;
        if (!mask[k]) continue;
        this.data[base + col]! += pathAttenuation(Math.sqrt(depth[k]!) - 0.5, matter, textured ? this.grainAt(win.x + col, win.y + row) : 1);
      }
    }
  }

  private addTube(path: readonly Point[], radius: number, matter: Matter): void {
    const box = boundsOf(path);
    const x0 = Math.max(0, Math.floor(box.x0 - radius));
    const y0 = Math.max(0, Math.floor(box.y0 - radius));
    const x1 = Math.min(this.width, Math.ceil(box.x1 + radius));
    const y1 = Math.min(this.height, Math.ceil(box.y1 + radius));
    if (x1 <= x0 || y1 <= y0) return;
    const textured = matter.cortex !== undefined;
    const near = new Float32Array((x1 - x0) * (y1 - y0)).fill(Infinity);
    const r2 = radius * radius;
    for (let i = 0; i < Math.max(1, path.length - 1); i++) {
      const a = path[i]!;
      const b = path[Math.min(i + 1, path.length - 1)]!;
      // Only pixels near this segment: its own box, widened by the radius.
      const sx0 = Math.max(x0, Math.floor(Math.min(a.x, b.x) - radius));
      const sx1 = Math.min(x1, Math.ceil(Math.max(a.x, b.x) + radius));
      const sy0 = Math.max(y0, Math.floor(Math.min(a.y, b.y) - radius));
      const sy1 = Math.min(y1, Math.ceil(Math.max(a.y, b.y) + radius));
      for (let y = sy0; y < sy1; y++) {
        for (let x = sx0; x < sx1; x++) {
          const d2 = segmentDistance2(x + 0.5, y + 0.5, a, b);
          const k = (y - y0) * (x1 - x0) + (x - x0);
          if (d2 < r2 && d2 < near[k]!) near[k] = d2;
        }
      }
    }
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const d = radius - Math.sqrt(near[(y - y0) * (x1 - x0) + (x - x0)]!);
        if (d > 0) this.data[y * this.width + x]! += pathAttenuation(d, matter, textured ? this.grainAt(x, y) : 1);
      }
    }
  }
}

/** Squared distance from (px, py) to the segment ab. */
function segmentDistance2(px: number, py: number, a: Point, b: Point): number {
  const vx = b.x - a.x;
  const vy = b.y - a.y;
  const len2 = vx * vx + vy * vy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - a.x) * vx + (py - a.y) * vy) / len2)) : 0;
  const dx = px - a.x - t * vx;
  const dy = py - a.y - t * vy;
  return dx * dx + dy * dy;
}

/** Chord of a unit-radius circle at depth x inside it (0 at the edge, 1 from the middle on). */
function chord(x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return Math.sqrt(x * (2 - x));
}

/** μ·t of one solid at in-plane distance d (pixels) inside its outline; grain scales the core. */
export function pathAttenuation(d: number, m: Matter, grain = 1): number {
  if (d <= 0) return 0;
  const round = Math.max(m.round, 1e-3);
  const outer = m.depth * chord(d / round);
  let total = m.mu * outer * grain;
  if (m.cortex) {
    const c = m.cortex.thickness;
    const inner = d > c ? Math.max(0, m.depth - 2 * c) * chord((d - c) / Math.max(round - c, 1e-3)) : 0;
    total += m.cortex.mu * Math.max(0, outer - inner);
  }
  return total;
}

/**
 * Squared Euclidean distance from each inside pixel to the nearest outside pixel (Felzenszwalb &
 * Huttenlocher's two-pass transform). Pixels at the window edge count as continuing the solid, so a
 * solid cut by the film edge has no rim there.
 */
export function insideDistance(mask: Uint8Array, w: number, h: number): Float32Array {
  const INF = 1e12;
  const f = new Float32Array(w * h);
  for (let k = 0; k < f.length; k++) f[k] = mask[k] ? INF : 0;
  const n = Math.max(w, h);
  const line = new Float64Array(n);
  const out = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) line[y] = f[y * w + x]!;
    transform1d(line, h, out, v, z);
    for (let y = 0; y < h; y++) f[y * w + x] = out[y]!;
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) line[x] = f[y * w + x]!;
    transform1d(line, w, out, v, z);
    for (let x = 0; x < w; x++) f[y * w + x] = out[x]!;
  }
  return f;
}

function transform1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    let s = (f[q]! + q * q - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!);
    while (s <= z[k]!) {
      k--;
      s = (f[q]! + q * q - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++;
    const dq = q - v[k]!;
    d[q] = dq * dq + f[v[k]!]!;
  }
}

/** Trabecular grain: smooth noise of about a millimetre, mean 1, on a grid of half-millimetre cells. */
export function boneGrain(
  width: number,
  height: number,
  spacing: number,
  amplitude: number,
  normal: () => number,
): { data: Float32Array; width: number; cell: number } {
  const cell = Math.max(1, 0.5 / spacing);
  const gw = Math.ceil(width / cell) + 1;
  const gh = Math.ceil(height / cell) + 1;
  const raw = new Float32Array(gw * gh);
  for (let k = 0; k < raw.length; k++) raw[k] = normal();
  // Two box passes of radius 1 cell (≈ 1 mm blobs), renormalised to unit spread.
  const smooth = blurCells(blurCells(raw, gw, gh), gw, gh);
  let sum2 = 0;
  for (const v of smooth) sum2 += v * v;
  const sd = Math.sqrt(sum2 / smooth.length) || 1;
  for (let k = 0; k < smooth.length; k++) smooth[k] = Math.max(0.2, 1 + (amplitude * smooth[k]!) / sd);
  return { data: smooth, width: gw, cell };
}

function blurCells(src: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) acc += src[Math.min(h - 1, Math.max(0, y + dy)) * w + Math.min(w - 1, Math.max(0, x + dx))]!;
      out[y * w + x] = acc / 9;
    }
  }
  return out;
}
