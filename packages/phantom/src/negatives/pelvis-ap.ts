import { ellipse, type Point } from '../geometry.js';
import { sketch } from '../anatomy/parts.js';
import type { Rng } from '../prng.js';
import { LUMBAR } from './levels.js';
import { frontalPelvis } from './pelvis.js';
import type { NegativeScene } from './scene.js';
import { beside, drawBodies, drawParts, lumbarParts, soft, viewColumn } from './spine.js';

/** AP pelvis with both hips: L4–S1 at the top, the ring, acetabula, femoral heads and upper shafts. */
export function pelvisApScene(rng: Rng): NegativeScene {
  const size = rng.gauss(1, 0.08, 0.8, 1.2);
  const s = sketch(rng, size, rng.gauss(1, 0.15, 0.6, 1.3), 1.2);
  const vc = viewColumn(rng, LUMBAR.slice(4), { size, phi: Math.PI / 2, widthRatio: rng.range(1.35, 1.6), scoliosis: 0 });
  const s1 = vc.column.vertebrae[3]!;
  const o: Point = beside(s1, -s1.spec.height / 2 + 6, 0);
  const half = rng.range(170, 230) * size;
  s.structures.push(
    soft(
      [
        { x: o.x - half, y: o.y - 200 },
        { x: o.x + half, y: o.y - 200 },
        { x: o.x + half * 1.05, y: o.y + 260 * size },
        { x: o.x + 25, y: o.y + 400 },
        { x: o.x - 25, y: o.y + 400 },
        { x: o.x - half * 1.05, y: o.y + 260 * size },
      ],
      rng.range(2.2, 3.4) * size,
    ),
  );
  drawBodies(s, vc);
  drawParts(s, vc, lumbarParts);
  frontalPelvis(s, o, vc.width[3]!, 1, true);
  if (rng.chance(0.3)) {
    // A single-hip film: one femoral head, the acetabulum and the upper shaft, the pelvis cut off.
    const side = rng.sign();
    const head: Point = { x: o.x + side * 100 * size, y: o.y + 110 * size };
    const width = rng.range(190, 250) * size;
    return {
      structures: s.structures,
      center: { x: head.x + side * rng.range(0, 30), y: head.y + rng.range(0, 40) },
      span: { width, height: width * rng.range(1, 1.3) },
      roi: ellipse(head, 30 * size, 30 * size, 0, 12),
      labels: ['AP HIP', 'HIP', side > 0 ? 'L HIP' : 'R HIP', 'AP'],
    };
  }
  const width = rng.range(360, 430) * size;
  return {
    structures: s.structures,
    center: { x: o.x, y: o.y + rng.range(55, 90) * size },
    span: { width, height: width * rng.range(0.65, 0.85) },
    roi: ellipse({ x: o.x, y: o.y + 90 * size }, 120 * size, 80 * size, 0, 16),
    labels: ['AP PELVIS', 'PELVIS AP', 'AP', 'BOTH HIPS', 'PELVIS'],
  };
}
