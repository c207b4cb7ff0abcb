import type { Box, Point } from './geometry.js';
import type { FilmRandom } from './random.js';
import { tube, type Solid } from './solids.js';

/** Strokes of the side letters in a unit cell (x right, y down, height 1). */
const GLYPHS: Record<'L' | 'R', Point[][]> = {
  L: [
    [
      { x: 0, y: 0 },
      { x: 0, y: 1 },
      { x: 0.6, y: 1 },
    ],
  ],
  R: [
    [
      { x: 0, y: 1 },
      { x: 0, y: 0 },
      { x: 0.35, y: 0 },
      ...Array.from({ length: 9 }, (_, i) => {
        const t = (Math.PI * (i + 1)) / 10;
        return { x: 0.35 + 0.26 * Math.sin(t), y: 0.26 - 0.26 * Math.cos(t) };
      }),
      { x: 0.35, y: 0.52 },
      { x: 0, y: 0.52 },
    ],
    [
      { x: 0.28, y: 0.52 },
      { x: 0.64, y: 1 },
    ],
  ],
};

/**
 * The lead side marker, burned in as a strongly attenuating letter in a corner of the exposed field
 * clear of the labelled bodies (always readable: the letter is placed after the mirror).
 */
export function sideMarker(letter: 'L' | 'R', field: Box, avoid: Box, spacing: number, rng: FilmRandom): Solid[] {
  const size = rng.between(10, 16) / spacing;
  const stroke = Math.max(1, rng.between(1.4, 2.2) / spacing / 2);
  const inset = rng.between(8, 25) / spacing;
  const corners = [
    { x: field.x0 + inset, y: field.y0 + inset },
    { x: field.x1 - inset - 0.7 * size, y: field.y0 + inset },
    { x: field.x0 + inset, y: field.y1 - inset - size },
    { x: field.x1 - inset - 0.7 * size, y: field.y1 - inset - size },
  ];
  const start = rng.int(0, 3);
  for (let i = 0; i < 4; i++) {
    const c = corners[(start + i) % 4]!;
    const box = { x0: c.x - stroke, y0: c.y - stroke, x1: c.x + 0.7 * size + stroke, y1: c.y + size + stroke };
    const clear = box.x1 < avoid.x0 || box.x0 > avoid.x1 || box.y1 < avoid.y0 || box.y0 > avoid.y1;
    const inside = box.x0 >= field.x0 && box.y0 >= field.y0 && box.x1 <= field.x1 && box.y1 <= field.y1;
    if (!clear || !inside) continue;
    return GLYPHS[letter].map((s) =>
      tube(
        s.map((p) => ({ x: c.x + p.x * size, y: c.y + p.y * size })),
        stroke,
        { mu: 1.5, depth: 3, round: stroke * 0.3 },
      ),
    );
  }
  return [];
}
