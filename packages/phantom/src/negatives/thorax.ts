import { band, bezier, chaikin, ellipse, type Point, type Polygon } from '../geometry.js';
import { at } from '../anatomy/frame.js';
import { posteriorElements, sketch, type Sketch } from '../anatomy/parts.js';
import type { Rng } from '../prng.js';
import { THORACIC } from './levels.js';
import { centers, drawBodies, soft, viewColumn, type ViewColumn } from './spine.js';

/** A lateral thorax: T1–L1 with kyphosis, ribs crossing it, lungs, heart, domes, sternum and raised arms. */
export interface LateralThorax {
  sketch: Sketch;
  column: ViewColumn;
  /** Body centres T1…L1. */
  centers: Point[];
  /** Posterior skin and anterior chest wall, x in mm. */
  back: number;
  front: number;
}

export function lateralThorax(rng: Rng): LateralThorax {
  const size = rng.gauss(1, 0.08, 0.8, 1.2);
  const s = sketch(rng, size, rng.gauss(1, 0.15, 0.6, 1.3), 1.0);
  const vc = viewColumn(rng, THORACIC, { size, phi: 0, widthRatio: 1.3, scoliosis: 0 });
  const c = centers(vc);
  const spineFront = Math.max(...c.map((p, k) => p.x + vc.depth[k]! / 2));
  const back = Math.min(...c.map((p, k) => p.x - vc.depth[k]! / 2)) - rng.range(55, 85) * size;
  const front = spineFront + rng.range(130, 190) * size;
  const t1 = c[0]!;
  const l1 = c[c.length - 1]!;
  s.structures.push(
    soft(
      [
        { x: back, y: t1.y - 150 },
        { x: front - 20, y: t1.y - 150 },
        { x: front, y: t1.y + 40 },
        { x: front + 15, y: l1.y + 250 },
        { x: back - 10, y: l1.y + 250 },
      ],
      rng.range(2.6, 3.6) * size,
    ),
  );
  lungs(s, c, back, front);
  s.structures.push(
    soft(
      band(
        [
          { x: spineFront + 20, y: t1.y - 120 },
          { x: spineFront + 25, y: c[4]!.y },
        ],
        () => 8 * size,
      ),
      -0.6 * size,
    ),
  ); // trachea
  drawBodies(s, vc);
  vc.column.vertebrae.forEach((v, k) => {
    const d = v.spec.depth;
    s.structures.push(
      ...posteriorElements(v, {
        pedicleLength: d * 0.4,
        massWidth: d * 0.45,
        massSlant: 0.1,
        spinousLength: d * rng.range(0.9, 1.3),
        spinousWidth: v.spec.height * 0.4,
        spinousDrop: v.spec.height * (k < 10 ? 1.2 : 0.5),
        value: 0.2 * s.density,
        cortex: 0.34 * s.density,
      }),
    );
  });
  ribs(s, vc, back, front);
  sternumAndArms(s, c, front);
  return { sketch: s, column: vc, centers: c, back, front };
}

/** Two overlapping lungs (right and left, each half the air) over the domes and heart. */
function lungs(s: Sketch, c: readonly Point[], back: number, front: number): void {
  const { rng, size, structures } = s;
  const t1 = c[0]!;
  for (let side = 0; side < 2; side++) {
    const dome = c[rng.int(8, 10)]!.y + side * rng.range(5, 25);
    const sulcus = c[11]!.y + rng.range(0, 30);
    const mid = (back + front) / 2;
    const outline: Polygon = chaikin(
      [
        { x: t1.x + 10, y: t1.y - 25 },
        { x: front - 30, y: c[2]!.y },
        { x: front - 18, y: c[6]!.y },
        { x: front - 22, y: dome + 20 },
        ...bezier({ x: front - 30, y: dome + 30 }, { x: mid, y: dome - 50 * size }, { x: back + 25, y: sulcus }, 10),
        { x: back + 22, y: c[7]!.y },
        { x: back + 30, y: c[2]!.y },
      ],
      2,
    );
    structures.push(soft(outline, -rng.range(0.8, 1.1) * size));
  }
  const heart = { x: front - rng.range(55, 75) * size, y: c[8]!.y - rng.range(0, 25) };
  structures.push(soft(ellipse(heart, rng.range(50, 65) * size, rng.range(55, 70) * size, rng.range(-0.5, -0.2), 24), rng.range(0.7, 1.0) * size));
}

/** Ribs from the costovertebral joints backwards then sweeping down and forwards, both sides offset. */
function ribs(s: Sketch, vc: ViewColumn, back: number, front: number): void {
  const { rng, size, structures, bone } = s;
  vc.column.vertebrae.slice(1, 12).forEach((v, i) => {
    for (let side = 0; side < 2; side++) {
      const shift = side * rng.range(4, 14);
      const start = at(v, v.spec.height * 0.3 + shift, -v.spec.depth * 0.35);
      const y = start.y;
      const sweep = 30 + i * 6;
      const path = bezier(start, { x: back + 15, y: y + 10 + shift }, { x: front - rng.range(15, 40), y: y + sweep * size + 40 + shift }, 14);
      structures.push(
        bone(
          chaikin(
            band(path, (t) => (4.5 - 1.5 * t) * size),
            1,
          ),
          0.08,
          0.22,
          1.0,
          0.2,
        ),
      );
    }
  });
}

function sternumAndArms(s: Sketch, c: readonly Point[], front: number): void {
  const { rng, size, structures, bone } = s;
  const sternum = [
    { x: front - 12, y: c[1]!.y },
    { x: front - 8, y: c[5]!.y },
    { x: front - 14, y: c[9]!.y },
  ];
  structures.push(
    bone(
      band(sternum, (t) => (t < 0.25 ? 11 : 7) * size),
      0.15,
      0.35,
      1.5,
      0.5,
    ),
  );
  const t1 = c[0]!;
  // Arms raised forwards out of the field, as for a lateral chest film.
  for (let side = 0; side < 2; side++) {
    const shoulder = { x: t1.x + rng.range(20, 60) * size, y: t1.y + rng.range(-30, 10) };
    const hand = { x: shoulder.x + rng.range(40, 200), y: shoulder.y - 320 };
    structures.push(
      soft(
        band([shoulder, hand], () => 40 * size),
        0.35 * size,
      ),
    );
    structures.push(
      bone(
        band([shoulder, hand], (t) => (11 - 2 * t) * size),
        0.06,
        0.18,
        3,
        0.3,
      ),
    );
    structures.push(bone(ellipse(shoulder, 20 * size, 20 * size, 0, 24), 0.08, 0.16, 2, 0.5));
    const scapula = [
      { x: t1.x - 20, y: t1.y + 5 },
      { x: t1.x - 55 * size, y: c[3]!.y },
      { x: t1.x - 30 * size, y: c[7]!.y },
    ];
    structures.push({
      outline: chaikin(
        band(scapula, () => 14 * size),
        1,
      ),
      layer: 'fine',
      value: 0.05 * s.density,
      mottle: { amplitude: 0.3, scaleMm: 5 },
    });
  }
}
