import { band, bezier, chaikin, ellipse, type Point, type Polygon } from '../geometry.js';
import { sketch, type Sketch } from '../anatomy/parts.js';
import type { Rng } from '../prng.js';
import { THORACIC } from './levels.js';
import type { NegativeScene } from './scene.js';
import { centers, drawBodies, drawParts, lumbarParts, soft, viewColumn, type ViewColumn } from './spine.js';

/** One lung field (side −1 or +1): apex, lateral wall, dome, mediastinal border; the left one indented by the heart. */
function lung(s: Sketch, top: Point, half: number, dome: number, side: number): Polygon {
  const { rng } = s;
  const x = (f: number) => top.x + side * f * half;
  return chaikin(
    [
      { x: x(0.18), y: top.y + 25 },
      { x: x(0.5), y: top.y - 5 },
      { x: x(0.85), y: top.y + 60 },
      { x: x(0.97), y: dome - 40 },
      { x: x(0.95), y: dome + rng.range(5, 25) },
      ...bezier({ x: x(0.85), y: dome }, { x: x(0.55), y: dome - 60 }, { x: x(0.12), y: dome - rng.range(0, 20) }, 8),
      { x: x(0.12), y: top.y + 120 },
    ],
    2,
  );
}

/** Chest wall soft tissue from the neck down past the domes. */
function chestWall(s: Sketch, top: Point, half: number, domeL: number): void {
  const { rng, size, structures } = s;
  structures.push(
    soft(
      [
        { x: top.x - 40, y: top.y - 150 },
        { x: top.x + 40, y: top.y - 150 },
        { x: top.x + 70, y: top.y - 20 },
        { x: top.x + half + 60, y: top.y },
        { x: top.x + half + 30, y: domeL + 200 },
        { x: top.x - half - 30, y: domeL + 200 },
        { x: top.x - half - 60, y: top.y },
        { x: top.x - 70, y: top.y - 20 },
      ],
      rng.range(2.4, 3.4) * size,
    ),
  );
}

/** Heart shadow over the left dome, the mediastinum in the midline, the gastric bubble under the left dome. */
function heartAndMediastinum(s: Sketch, top: Point, half: number, domeR: number, domeL: number): void {
  const { rng, size, structures } = s;
  structures.push(
    soft(
      ellipse({ x: top.x + 0.22 * half, y: domeL - rng.range(70, 90) * size }, rng.range(0.38, 0.5) * half, rng.range(50, 62) * size, rng.range(-0.3, 0), 24),
      rng.range(1.2, 1.6) * size,
    ),
  );
  structures.push(
    soft(
      band(
        [
          { x: top.x, y: top.y - 100 },
          { x: top.x, y: domeR - 60 },
        ],
        () => 28 * size,
      ),
      0.5 * size,
    ),
  );
  structures.push(soft(ellipse({ x: top.x + 0.5 * half, y: domeL + 25 }, 30 * size, 18 * size, 0, 16), -0.6 * size)); // gastric bubble
}

/** The first ten ribs on one side: posterior arc from the vertebra out to the lateral wall, anterior arc back in. */
function ribs(s: Sketch, vc: ViewColumn, c: Point[], top: Point, half: number, side: number): void {
  const { size } = s;
  vc.column.vertebrae.slice(0, 10).forEach((v, k) => {
    const p = c[k]!;
    const start = { x: p.x + side * vc.width[k]! * 0.55, y: p.y - v.spec.height * 0.3 };
    const lateral = { x: top.x + side * half * 0.97, y: p.y + 25 + k * 4 };
    const posterior = bezier(start, { x: top.x + side * half * 0.75, y: p.y - 35 }, lateral, 14);
    s.structures.push(
      s.bone(
        chaikin(
          band(posterior, (t) => (4.5 + 1.5 * t) * size),
          1,
        ),
        0.1,
        0.28,
        1.1,
        0.2,
      ),
    );
    const anterior = bezier(lateral, { x: top.x + side * half * 0.6, y: lateral.y + 30 }, { x: top.x + side * 35, y: lateral.y + 55 + k * 3 }, 12);
    s.structures.push(
      s.bone(
        band(anterior, () => 5 * size),
        0.05,
        0.12,
        1,
        0.1,
      ),
    );
  });
}

/** Shoulder girdle on one side: clavicle, scapula, humeral head. */
function shoulder(s: Sketch, c: Point[], top: Point, half: number, side: number): void {
  const { rng, size } = s;
  const sc = { x: top.x + side * 20, y: top.y - 5 };
  const clavicle = bezier(
    sc,
    { x: top.x + side * half * 0.45, y: top.y + rng.range(0, 20) },
    { x: top.x + side * half * 0.95, y: top.y - rng.range(15, 40) },
    14,
  );
  s.structures.push(
    s.bone(
      band(clavicle, () => 7 * size),
      0.22,
      0.5,
      1.5,
      0.4,
    ),
  );
  const scapula = [
    { x: top.x + side * half * 0.95, y: top.y },
    { x: top.x + side * half * 0.7, y: c[3]!.y },
    { x: top.x + side * half * 0.85, y: c[7]!.y },
  ];
  s.structures.push({
    outline: chaikin(
      band(scapula, () => 18 * size),
      1,
    ),
    layer: 'fine',
    value: 0.05 * s.density,
    mottle: { amplitude: 0.3, scaleMm: 5 },
  });
  s.structures.push(s.bone(ellipse({ x: top.x + side * (half + 20), y: top.y - 10 }, 25 * size, 25 * size, 0, 24), 0.22, 0.45, 2, 0.5));
}

/** Frontal chest: lungs, heart, clavicles, rib arcs, mediastinum, the spine faint in the midline. */
export function chestPaScene(rng: Rng): NegativeScene {
  // The helpers draw from `rng` in this order; keep it so a seed reproduces the same film.
  const size = rng.gauss(1, 0.08, 0.8, 1.2);
  const s = sketch(rng, size, rng.gauss(1, 0.15, 0.6, 1.3), 1.0);
  const vc = viewColumn(rng, THORACIC, { size, phi: Math.PI / 2, widthRatio: 1.3, scoliosis: rng.gauss(0, 6, -20, 20) });
  const c = centers(vc);
  const top = c[0]!;
  const half = rng.range(130, 170) * size;
  const domeR = c[rng.int(9, 10)]!.y;
  const domeL = domeR + rng.range(5, 25);
  const { structures } = s;
  chestWall(s, top, half, domeL);
  structures.push(soft(lung(s, top, half, domeR, -1), -rng.range(1.6, 2.1) * size));
  structures.push(soft(lung(s, top, half, domeL, 1), -rng.range(1.6, 2.1) * size));
  heartAndMediastinum(s, top, half, domeR, domeL);
  drawBodies(s, vc, 0.45);
  drawParts(s, vc, lumbarParts, 0.4);
  for (const side of [-1, 1]) {
    ribs(s, vc, c, top, half, side);
    shoulder(s, c, top, half, side);
  }
  const width = 2 * half + rng.range(40, 110);
  const height = domeL - top.y + rng.range(90, 160);
  return {
    structures,
    center: { x: top.x, y: (top.y - 40 + domeL + 40) / 2 },
    span: { width, height },
    roi: ellipse({ x: top.x, y: (top.y + domeL) / 2 }, half * 0.7, (domeL - top.y) / 2.5, 0, 16),
    labels: ['PA', 'CHEST PA', 'AP', 'PA ERECT', 'CXR'],
  };
}
