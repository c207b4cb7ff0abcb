import { ellipse } from '../geometry.js';
import type { Rng } from '../prng.js';
import type { NegativeScene } from './scene.js';
import { lateralThorax } from './thorax.js';

/** Lateral chest: lungs as large dark fields, heart, domes, the thoracic spine posteriorly with ribs crossing it. */
export function chestLateralScene(rng: Rng): NegativeScene {
  const t = lateralThorax(rng);
  const c = t.centers;
  const top = c[0]!.y - rng.range(30, 70);
  const bottom = c[c.length - 1]!.y + rng.range(20, 70);
  const width = t.front - t.back + rng.range(20, 70);
  return {
    structures: t.sketch.structures,
    center: { x: (t.back + t.front) / 2, y: (top + bottom) / 2 },
    span: { width, height: bottom - top },
    roi: ellipse({ x: (t.back + t.front) / 2, y: c[6]!.y }, (t.front - t.back) / 3, (bottom - top) / 3, 0, 16),
    labels: ['LAT', 'CHEST LAT', 'LATERAL', 'LAT ERECT', 'CXR LAT'],
  };
}
