import { deg } from './geometry.js';
import type { Cut } from './framing.js';
import type { Rng } from './random.js';

type Side = 'left' | 'right' | 'top' | 'bottom';

/** A blade edge: open where `n·(x, y) ≥ c` (pixels). */
interface Blade {
  nx: number;
  ny: number;
  c: number;
}

/** The inward normal and the reach of a side, turned by `angle`, as a function of a point. */
function reach(side: Side, angle: number, size: { width: number; height: number }): (x: number, y: number) => number {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const { width: w, height: h } = size;
  if (side === 'left') return (x, y) => x * c + (y - h / 2) * s;
  if (side === 'right') return (x, y) => (w - x) * c + (y - h / 2) * s;
  if (side === 'top') return (x, y) => y * c + (x - w / 2) * s;
  return (x, y) => (h - y) * c + (x - w / 2) * s;
}

/**
 * Collimator blades: on some films some sides are coned in, a little turned, never over a labelled
 * body (nor on a side the field already cuts through). Returns 1 where the primary beam reaches.
 */
export function collimate(size: { width: number; height: number; spacing: number }, options: { keepClear: number[][]; cut: Cut; rng: Rng }): Uint8Array {
  const { width: w, height: h, spacing } = size;
  const { keepClear, cut, rng } = options;
  const open = new Uint8Array(w * h).fill(1);
  if (!rng.chance(0.55)) return open;
  const blades: Blade[] = [];
  for (const side of ['left', 'right', 'top', 'bottom'] as const) {
    if (!rng.chance(0.55)) continue;
    if ((side === 'top' && (cut === 'top' || cut === 'both')) || (side === 'bottom' && (cut === 'bottom' || cut === 'both'))) continue;
    const angle = rng.chance(0.5) ? 0 : deg(rng.uniform(-4, 4));
    const f = reach(side, angle, size);
    let room = Infinity;
    for (const ring of keepClear) for (let i = 0; i < ring.length; i += 2) room = Math.min(room, f(ring[i]!, ring[i + 1]!));
    room -= 4 / spacing;
    const margin = Math.min(room, (side === 'left' || side === 'right' ? w : h) * 0.3);
    if (margin < 12) continue;
    const inset = rng.uniform(0.15, 0.95) * margin;
    const nx = f(1, 0) - f(0, 0);
    const ny = f(0, 1) - f(0, 0);
    blades.push({ nx, ny, c: inset - f(0, 0) });
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (const b of blades) {
        if (b.nx * x + b.ny * y < b.c) {
          open[y * w + x] = 0;
          break;
        }
      }
    }
  }
  return open;
}
