/** A point or direction in the sagittal plane, mm: x anterior, y cranial. */
export interface Vec {
  x: number;
  y: number;
}

export const vec = (x: number, y: number): Vec => ({ x, y });
export const add = (a: Vec, b: Vec): Vec => ({ x: a.x + b.x, y: a.y + b.y });
export const sub = (a: Vec, b: Vec): Vec => ({ x: a.x - b.x, y: a.y - b.y });
export const scale = (a: Vec, k: number): Vec => ({ x: a.x * k, y: a.y * k });
export const lerp = (a: Vec, b: Vec, t: number): Vec => ({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t });

/** The unit vector at `angle` radians from the anterior direction, turning cranially. */
export const along = (angle: number): Vec => ({ x: Math.cos(angle), y: Math.sin(angle) });

/** The unit normal of `along(angle)`, pointing cranially when the angle is small. */
export const normalTo = (angle: number): Vec => ({ x: -Math.sin(angle), y: Math.cos(angle) });

/** A frame: an origin and the angle of its u axis (v is u turned a quarter cranially). */
export interface Frame {
  origin: Vec;
  angle: number;
}

/** The world point of local (u, v) in `frame`. */
export function toWorld(frame: Frame, u: number, v: number): Vec {
  const c = Math.cos(frame.angle);
  const s = Math.sin(frame.angle);
  return { x: frame.origin.x + u * c - v * s, y: frame.origin.y + u * s + v * c };
}

export const deg = (d: number): number => (d * Math.PI) / 180;

export const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/** Shoelace area of a flat [x0, y0, x1, y1, …] ring. */
export function ringArea(ring: readonly number[]): number {
  let a = 0;
  const n = ring.length >> 1;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    a += ring[2 * i]! * ring[2 * j + 1]! - ring[2 * j]! * ring[2 * i + 1]!;
  }
  return Math.abs(a) / 2;
}

export function ringBox(ring: readonly number[]): [number, number, number, number] {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < ring.length; i += 2) {
    x0 = Math.min(x0, ring[i]!);
    x1 = Math.max(x1, ring[i]!);
    y0 = Math.min(y0, ring[i + 1]!);
    y1 = Math.max(y1, ring[i + 1]!);
  }
  return [x0, y0, x1 - x0, y1 - y0];
}
