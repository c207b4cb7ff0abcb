import { ellipse } from '../geometry.js';
import type { Rng } from '../prng.js';
import type { NegativeScene } from './scene.js';
import { lateralThorax } from './thorax.js';

/** Lateral thoracic spine centred on T4–T10: kyphotic bodies with ribs over them, no skull, no lumbar lordosis. */
export function thoracicLateralScene(rng: Rng): NegativeScene {
  const t = lateralThorax(rng);
  const c = t.centers;
  const first = c[rng.int(2, 3)]!;
  const last = c[rng.int(9, 10)]!;
  const height = last.y - first.y + rng.range(30, 70);
  const mid = c[6]!;
  return {
    structures: t.sketch.structures,
    center: { x: mid.x + rng.range(10, 60), y: (first.y + last.y) / 2 },
    span: { width: height * rng.range(0.45, 0.8), height },
    roi: ellipse(mid, 25, (last.y - first.y) / 2, 0, 16),
    labels: ['LAT', 'T-SPINE LAT', 'TS LAT', 'LATERAL', 'THORACIC LAT'],
  };
}
