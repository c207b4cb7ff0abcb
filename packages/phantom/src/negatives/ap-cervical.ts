import { band, bezier, chaikin, ellipse, type Point } from '../geometry.js';
import { sketch, type Sketch } from '../anatomy/parts.js';
import type { Rng } from '../prng.js';
import { CERVICAL } from './levels.js';
import type { NegativeScene } from './scene.js';
import { beside, centers, drawBodies, drawParts, soft, viewColumn, type Part } from './spine.js';

/** Cervical posterior elements seen from the front: uncinate hooks, lateral mass pillars, bifid spinous, pedicles. */
function cervicalParts(d: number, w: number, h: number): Array<[Part, number]> {
  const parts: Array<[Part, number]> = [];
  for (const side of [-1, 1]) {
    parts.push([{ l: side * 0.45 * w, a: 0, along: -0.05 * h, rl: 0.07 * w, ra: 0.3 * d, rs: 0.18 * h }, 0.9]); // uncinate
    parts.push([{ l: side * 0.62 * w, a: -0.8 * d, along: 0.5 * h, rl: 0.2 * w, ra: 0.35 * d, rs: 0.75 * h }, 0.8]); // lateral mass
    parts.push([{ l: side * 0.36 * w, a: -0.6 * d, along: 0.35 * h, rl: 0.08 * w, ra: 0.2 * d, rs: 0.25 * h }, 0.9]); // pedicle
    parts.push([{ l: side * 0.06 * w, a: -1.6 * d, along: 0.75 * h, rl: 0.05 * w, ra: 0.4 * d, rs: 0.2 * h }, 0.7]); // bifid spinous
  }
  return parts;
}

/** Mandible (body and rami, with teeth) and the skull base over the upper neck, as seen on an AP cervical film. */
function jaw(s: Sketch, c2: Point, width: number): void {
  const { rng, size, structures, bone } = s;
  const chin = { x: c2.x + rng.range(-8, 8), y: c2.y + rng.range(0, 25) * size };
  const left = { x: c2.x - width * 0.5, y: chin.y - 55 * size };
  const right = { x: c2.x + width * 0.5, y: chin.y - 55 * size };
  const body = bezier(left, { x: c2.x, y: chin.y + 45 * size }, right, 18);
  structures.push(
    bone(
      band(body, (t) => (7 + 4 * Math.sin(Math.PI * t)) * size),
      0.25,
      0.55,
      2,
      0.4,
    ),
  );
  for (const side of [left, right])
    structures.push(
      bone(
        band([side, { x: side.x + (side.x - c2.x) * 0.15, y: side.y - 55 * size }], () => 8 * size),
        0.14,
        0.32,
        2,
        0.4,
      ),
    );
  const teeth = rng.int(8, 14);
  for (let i = 0; i < teeth; i++) {
    const p = body[2 + Math.floor((i / teeth) * (body.length - 4))]!;
    structures.push({ outline: ellipse({ x: p.x, y: p.y - 14 * size }, 4 * size, 9 * size, 0, 10), layer: 'fine', value: 0.3 * s.density });
  }
  const skull = bezier({ x: c2.x - width * 0.7, y: c2.y - 40 * size }, { x: c2.x, y: c2.y - 110 * size }, { x: c2.x + width * 0.7, y: c2.y - 40 * size }, 16);
  structures.push(
    bone(
      chaikin(
        band(skull, () => 9 * size),
        1,
      ),
      0.16,
      0.32,
      2,
      0.6,
    ),
  );
  structures.push(bone(ellipse({ x: c2.x, y: c2.y - 40 * size }, 10 * size, 14 * size, 0, 14), 0.3, 0.5, 1.5, 0.5)); // dens over C1
}

/** Frontal (AP) cervical spine: C2–T2 bodies, uncinate processes, lateral masses, jaw and skull base over the top, trachea, clavicles. */
export function apCervicalScene(rng: Rng): NegativeScene {
  const size = rng.gauss(1, 0.08, 0.8, 1.2);
  const s = sketch(rng, size, rng.gauss(1, 0.15, 0.6, 1.3), 0.9);
  const vc = viewColumn(rng, CERVICAL, { size, phi: Math.PI / 2, widthRatio: rng.range(1.4, 1.7), scoliosis: rng.gauss(0, 6, -15, 15) });
  const c = centers(vc);
  const c2 = c[0]!;
  const t2 = c[c.length - 1]!;
  const neck = rng.range(50, 65) * size;
  s.structures.push(
    soft(
      [
        { x: c2.x - neck, y: c2.y - 200 },
        { x: c2.x + neck, y: c2.y - 200 },
        { x: t2.x + neck, y: t2.y - 40 },
        { x: t2.x + 230, y: t2.y },
        { x: t2.x + 230, y: t2.y + 200 },
        { x: t2.x - 230, y: t2.y + 200 },
        { x: t2.x - 230, y: t2.y },
        { x: t2.x - neck, y: t2.y - 40 },
      ],
      rng.range(1.6, 2.6) * size,
    ),
  );
  const trachea = [beside(vc.column.vertebrae[3]!, 0, rng.range(-3, 3)), beside(vc.column.vertebrae[7]!, 20, rng.range(-6, 6))];
  s.structures.push(
    soft(
      band(trachea, () => rng.range(8, 11) * size),
      -0.5 * size,
    ),
  );
  drawBodies(s, vc);
  drawParts(s, vc, cervicalParts);
  const jawDrop = rng.range(-40, 15) * size;
  jaw(s, { x: c2.x, y: c2.y + jawDrop }, rng.range(90, 115) * size);
  for (const side of [-1, 1]) {
    const start = beside(vc.column.vertebrae[7]!, 5, side * 25 * size);
    const clavicle = bezier(
      start,
      { x: start.x + side * 70 * size, y: start.y + rng.range(-5, 15) },
      { x: start.x + side * 150 * size, y: start.y - rng.range(10, 35) },
      14,
    );
    s.structures.push(
      s.bone(
        band(clavicle, () => 6.5 * size),
        0.22,
        0.5,
        1.5,
        0.4,
      ),
    );
    for (const k of [6, 7]) {
      const r0 = beside(vc.column.vertebrae[k]!, 0, side * vc.width[k]! * 0.6);
      const rib = bezier(r0, { x: r0.x + side * 60 * size, y: r0.y - 25 * size }, { x: r0.x + side * 80 * size, y: r0.y + 50 * size }, 12);
      s.structures.push(
        s.bone(
          band(rib, () => 4.5 * size),
          0.12,
          0.3,
          1.2,
          0.2,
        ),
      );
    }
  }
  const height = t2.y - c2.y + rng.range(80, 140) * size;
  return {
    structures: s.structures,
    center: { x: (c2.x + t2.x) / 2, y: (c2.y + t2.y) / 2 + rng.range(-20, 30) },
    span: { width: rng.range(0.6, 1.0) * height, height },
    roi: ellipse({ x: (c2.x + t2.x) / 2, y: (c2.y + t2.y) / 2 }, 25 * size, (t2.y - c2.y) / 2, 0, 16),
    labels: ['AP', 'C-SPINE AP', 'CS AP', 'AP ERECT'],
  };
}
