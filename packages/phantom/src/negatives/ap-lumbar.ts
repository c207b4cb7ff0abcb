import { band, bezier, chaikin, ellipse, type Point } from '../geometry.js';
import { blob, sketch, type Sketch } from '../anatomy/parts.js';
import type { Rng } from '../prng.js';
import { LUMBAR } from './levels.js';
import { frontalPelvis } from './pelvis.js';
import type { NegativeScene } from './scene.js';
import { beside, centers, drawBodies, drawParts, lumbarParts, soft, viewColumn, type ViewColumn } from './spine.js';

const S1 = 7;

/** Abdomen, psoas shadows, lower ribs and bowel gas around a (frontal or oblique) lumbar column. */
export function lumbarSurroundings(s: Sketch, vc: ViewColumn, xScale: number): void {
  const { rng, size, density, structures } = s;
  const c = centers(vc);
  const top = c[0]!;
  const half = rng.range(150, 210) * size * Math.max(0.75, xScale);
  structures.push(
    soft(
      [
        { x: top.x - half, y: top.y - 250 },
        { x: top.x + half, y: top.y - 250 },
        { x: top.x + half * 1.1, y: top.y + 500 },
        { x: top.x - half * 1.1, y: top.y + 500 },
      ],
      rng.range(2.0, 3.2) * size,
    ),
  );
  for (const side of [-1, 1]) {
    const psoas = [beside(vc.column.vertebrae[2]!, 0, side * 18 * xScale), beside(vc.column.vertebrae[S1]!, 20, side * 70 * xScale)];
    structures.push(
      soft(
        band(psoas, (t) => (10 + 25 * t) * size * xScale),
        0.25 * size,
      ),
    );
    for (const k of [0, 1]) {
      const start = beside(vc.column.vertebrae[k]!, -5, side * vc.width[k]! * 0.55 * xScale);
      const end = beside(vc.column.vertebrae[k]!, rng.range(40, 90), side * rng.range(90, 150) * xScale * size);
      const mid = beside(vc.column.vertebrae[k]!, 5, side * rng.range(60, 100) * xScale * size);
      structures.push(
        s.bone(
          chaikin(
            band(bezier(start, mid, end, 12), (t) => (5 - 2 * t) * size),
            1,
          ),
          0.1,
          0.25,
          1.2,
          0.2,
        ),
      );
    }
  }
  const gas = rng.int(3, 16);
  for (let i = 0; i < gas; i++) {
    const v = c[rng.int(2, S1)]!;
    const at: Point = { x: v.x + rng.range(-140, 140) * size * xScale, y: v.y + rng.range(-30, 60) };
    const r = rng.range(6, 22) * size;
    structures.push({
      outline: blob(rng, at, r, r * rng.range(0.45, 1), 0.45),
      layer: 'fine',
      value: -rng.range(0.04, 0.16) * density,
      mottle: { amplitude: 0.6, scaleMm: rng.range(3, 8) },
    });
  }
}

/** Frontal (AP) lumbar spine: wide rectangular bodies, pedicle ovals, spinous processes midline, transverse processes, iliac wings and sacrum. */
export function apLumbarScene(rng: Rng): NegativeScene {
  const size = rng.gauss(1, 0.08, 0.8, 1.2);
  const s = sketch(rng, size, rng.gauss(1, 0.15, 0.6, 1.3), 1.2);
  const vc = viewColumn(rng, LUMBAR, { size, phi: Math.PI / 2, widthRatio: rng.range(1.35, 1.6), scoliosis: rng.gauss(0, 10, -30, 30) });
  lumbarSurroundings(s, vc, 1);
  drawBodies(s, vc);
  drawParts(s, vc, lumbarParts);
  const s1 = vc.column.vertebrae[S1]!;
  frontalPelvis(s, beside(s1, -s1.spec.height / 2 + 6, 0), vc.width[S1]!, 1, rng.chance(0.3));
  const c = centers(vc);
  const top = c[rng.int(0, 2)]!;
  const bottom = c[S1]!;
  const height = bottom.y - top.y + rng.range(80, 150) * size;
  return {
    structures: s.structures,
    center: { x: (top.x + bottom.x) / 2, y: (top.y + bottom.y) / 2 + rng.range(10, 40) },
    span: { width: rng.range(0.6, 1.0) * height, height },
    roi: ellipse({ x: (top.x + bottom.x) / 2, y: (top.y + bottom.y) / 2 }, 40 * size, (bottom.y - top.y) / 2, 0, 16),
    labels: ['AP', 'L-SPINE AP', 'LS AP', 'AP SUPINE', 'PA'],
  };
}
