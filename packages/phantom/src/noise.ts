import type { Rng } from './prng.js';

/** Hash of a lattice point to [0, 1). */
function lattice(ix: number, iy: number, seed: number): number {
  let h = Math.imul(ix, 0x27d4eb2d) ^ Math.imul(iy, 0x165667b1) ^ seed;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Smooth value noise in [0, 1) at (x, y) in lattice units. */
export function valueNoise(x: number, y: number, seed: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  let fx = x - ix;
  let fy = y - iy;
  fx = fx * fx * (3 - 2 * fx);
  fy = fy * fy * (3 - 2 * fy);
  const a = lattice(ix, iy, seed);
  const b = lattice(ix + 1, iy, seed);
  const c = lattice(ix, iy + 1, seed);
  const d = lattice(ix + 1, iy + 1, seed);
  return a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
}

/**
 * Trabecular texture at world position (mm): fine grain plus coarser, vertically elongated struts
 * (vertical trabeculae carry the load and dominate lateral films). Returns about [-1, 1].
 */
export function trabecular(x: number, y: number, seed: number): number {
  const fine = valueNoise(x * 1.4, y * 0.8, seed);
  const coarse = valueNoise(x * 0.45, y * 0.22, seed ^ 0x5bd1e995);
  return (fine - 0.5) * 1.3 + (coarse - 0.5) * 1.0;
}

/** A table of standard normal draws; per-pixel noise indexes it with a cheap xorshift. */
export class NormalTable {
  private readonly table: Float32Array;
  private state: number;

  constructor(rng: Rng, size = 1 << 16) {
    this.table = new Float32Array(size);
    for (let i = 0; i < size; i++) this.table[i] = rng.normal();
    this.state = (Math.floor(rng.next() * 0xffffffff) | 1) >>> 0;
  }

  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.table[this.state & (this.table.length - 1)]!;
  }
}
