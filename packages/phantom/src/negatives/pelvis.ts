import { band, bezier, chaikin, ellipse, type Point, type Polygon } from '../geometry.js';
import type { Sketch } from '../anatomy/parts.js';

const P = (o: Point, k: number, x: number, y: number): Point => ({ x: o.x + x * k, y: o.y + y });

/**
 * A frontal pelvis about `o`, the top centre of the sacrum: sacrum with foramina, iliac wings with
 * crests and brims, SI joints; with `hips`, also acetabula, femoral heads, necks, shafts, pubic rami
 * around the obturator foramina. `xScale` (0–1) narrows it for oblique views.
 */
export function frontalPelvis(s: Sketch, o: Point, s1Width: number, xScale: number, hips: boolean): void {
  const { rng, size, density, structures, bone } = s;
  const k = size * xScale;
  const sw = s1Width / size / 2 + 4;
  const drop = 105 * size;
  const sacrum = chaikin([P(o, k, -sw - 8, 2), P(o, k, sw + 8, 2), P(o, k, 20, drop * 0.8), P(o, k, 6, drop), P(o, k, -6, drop), P(o, k, -20, drop * 0.8)], 2);
  structures.push(bone(sacrum, 0.28, 0.45, 1.2, 0.7));
  for (let i = 0; i < 4; i++) {
    for (const side of [-1, 1]) {
      const c = P(o, k, side * (sw - 8 - i * 4), 18 + i * 20 * size);
      structures.push({ outline: ellipse(c, 4.5 * k, 4 * size, 0, 14), layer: 'fine', value: -0.1 * density });
    }
  }
  for (const side of [-1, 1]) {
    const spread = rng.range(0.9, 1.1);
    const si = P(o, k, side * (sw + 6), 10);
    const crest = P(o, k, side * 115 * spread, rng.range(-85, -60) * size);
    const asis = P(o, k, side * 145 * spread, -5 * size);
    const roof = P(o, k, side * 100 * spread, 78 * size);
    const brim = P(o, k, side * 55, 70 * size);
    const wing: Polygon = [
      ...bezier(si, P(o, k, side * 60, -75 * size), crest, 8),
      ...bezier(crest, P(o, k, side * 150 * spread, -60 * size), asis, 6).slice(1),
      ...bezier(asis, P(o, k, side * 120, 35 * size), roof, 5).slice(1),
      brim,
    ];
    structures.push({ outline: chaikin(wing, 2), layer: 'fine', value: 0.09 * density, mottle: { amplitude: 0.3, scaleMm: 5 } });
    structures.push(
      bone(
        band(
          bezier(si, P(o, k, side * 60, -80 * size), crest, 10).concat(bezier(crest, P(o, k, side * 150 * spread, -60 * size), asis, 8).slice(1)),
          () => 3 * size,
        ),
        0.16,
        0.35,
        1,
        0.3,
      ),
    );
    structures.push(
      bone(
        band(bezier(si, P(o, k, side * 45, 50 * size), P(o, k, side * 75, 85 * size), 10), () => 2.2 * size),
        0.2,
        0.35,
        1,
        0.2,
      ),
    );
    structures.push(
      bone(
        band([P(o, k, side * (sw + 2), 0), P(o, k, side * (sw + 4), 60 * size)], () => 3 * size),
        0.2,
        0.4,
        1,
        0.3,
      ),
    );
    if (hips) hip(s, o, k, side, spread);
  }
}

function hip(s: Sketch, o: Point, k: number, side: number, spread: number): void {
  const { rng, size, structures, bone } = s;
  const head = P(o, k, side * 100 * spread, 100 * size);
  const r = rng.range(22, 27) * size;
  structures.push(bone(ellipse(head, r * Math.max(0.6, k / size), r, 0, 32), 0.3, 0.5, 2.5, 0.5));
  structures.push(
    bone(
      band(bezier(P(o, k, side * 70, 82 * size), P(o, k, side * 100, 65 * size), P(o, k, side * 130 * spread, 85 * size), 10), () => 4 * size),
      0.2,
      0.4,
      1.2,
      0.3,
    ),
  );
  const neckEnd = P(o, k, side * 140 * spread, 135 * size);
  structures.push(
    bone(
      chaikin(
        band([head, neckEnd], (t) => (14 + 5 * t) * size),
        2,
      ),
      0.26,
      0.5,
      3,
      0.5,
    ),
  );
  structures.push(bone(ellipse(P(o, k, side * 150 * spread, 125 * size), 16 * k, 22 * size, 0, 20), 0.22, 0.4, 2, 0.5));
  const shaft = [P(o, k, side * 138 * spread, 120 * size), neckEnd, P(o, k, side * 128 * spread, 330 * size)];
  structures.push(
    bone(
      chaikin(
        band(shaft, (t) => (21 - 5 * t) * size),
        2,
      ),
      0.24,
      0.6,
      5,
      0.3,
    ),
  );
  // Pubic and ischial rami around the obturator foramen, meeting at the symphysis.
  const foramen = P(o, k, side * 55, 150 * size);
  const ring = ellipse(foramen, 26 * k, 32 * size, side * 0.4, 24);
  structures.push(
    bone(
      band([...ring, ring[0]!], () => 6 * size),
      0.22,
      0.45,
      1.5,
      0.4,
    ),
  );
  structures.push(
    bone(
      band([P(o, k, side * 8, 120 * size), P(o, k, side * 30, 120 * size)], () => 10 * size),
      0.22,
      0.45,
      1.5,
      0.4,
    ),
  );
  structures.push({ outline: ellipse(P(o, k, side * 60, 185 * size), 20 * k, 14 * size, 0, 16), layer: 'fine', value: 0.12 * s.density });
}
