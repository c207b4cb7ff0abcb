import { ellipse } from '../geometry.js';
import { sketch } from '../anatomy/parts.js';
import type { Rng } from '../prng.js';
import { lumbarSurroundings } from './ap-lumbar.js';
import { LUMBAR } from './levels.js';
import { frontalPelvis } from './pelvis.js';
import type { NegativeScene } from './scene.js';
import { beside, centers, drawBodies, drawParts, lumbarParts, viewColumn } from './spine.js';

const S1 = 7;

/**
 * Oblique lumbar spine: the column turned 30–50° from lateral about its long axis, so bodies widen
 * and lose their lateral outline while each side's pedicle, pars and facets separate (the "Scottie dog").
 */
export function obliqueLumbarScene(rng: Rng): NegativeScene {
  const size = rng.gauss(1, 0.08, 0.8, 1.2);
  const s = sketch(rng, size, rng.gauss(1, 0.15, 0.6, 1.3), 1.2);
  const phi = (rng.range(30, 50) * Math.PI) / 180;
  const vc = viewColumn(rng, LUMBAR, { size, phi, widthRatio: rng.range(1.35, 1.6), scoliosis: rng.gauss(0, 6, -20, 20) });
  const xScale = Math.sin(phi);
  lumbarSurroundings(s, vc, xScale);
  drawBodies(s, vc);
  drawParts(s, vc, lumbarParts, 1.15);
  const s1 = vc.column.vertebrae[S1]!;
  frontalPelvis(s, beside(s1, -s1.spec.height / 2 + 6, -vc.depth[S1]! * 0.3 * Math.cos(phi)), vc.width[S1]!, xScale, false);
  const c = centers(vc);
  const top = c[rng.int(0, 2)]!;
  const bottom = c[S1]!;
  const height = bottom.y - top.y + rng.range(60, 130) * size;
  return {
    structures: s.structures,
    center: { x: (top.x + bottom.x) / 2 - 10 * size, y: (top.y + bottom.y) / 2 + rng.range(0, 30) },
    span: { width: rng.range(0.55, 0.9) * height, height },
    roi: ellipse({ x: (top.x + bottom.x) / 2, y: (top.y + bottom.y) / 2 }, 45 * size, (bottom.y - top.y) / 2, 0, 16),
    labels: ['OBL', 'RPO', 'LPO', 'L-SPINE OBL', 'OBLIQUE'],
  };
}
