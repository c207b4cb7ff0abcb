import type { Vertebra } from './column.js';
import { toWorld, type Vec } from './geometry.js';
import { bilateral, rod } from './landmarks.js';
import type { Rng } from './random.js';
import type { Solid } from './solids.js';

// Rib courses as projected on a lateral film, in the frame of the rib head (u anterior, v cranial), mm.
const COURSES: Record<'first' | 'full' | 'floating' | 'short', [number, number][]> = {
  first: [
    [0, 0],
    [-22, -4],
    [-22, -24],
    [5, -42],
    [38, -52],
  ],
  full: [
    [0, 0],
    [-35, -10],
    [-48, -38],
    [-25, -85],
    [25, -120],
    [85, -140],
  ],
  floating: [
    [0, 0],
    [-30, -14],
    [-38, -45],
    [-18, -88],
  ],
  short: [
    [0, 0],
    [-26, -16],
    [-28, -48],
    [-14, -70],
  ],
};

/** Both ribs of a thoracic level: cortical tubes from the costovertebral joint, the far one magnified apart. */
export function ribs(v: Vertebra, course: keyof typeof COURSES, options: { size: number; z: number; rng: Rng }): Solid[] {
  const { size, z, rng } = options;
  const head = toWorld(v.body.frame, -v.body.profile.halfDepth + 1, 0.6 * v.body.profile.halfHeight);
  const frame = { origin: head, angle: v.body.frame.angle * 0.6 };
  const path: Vec[] = COURSES[course].map(([u, t], k) => toWorld(frame, (u + (k ? rng.around(0, 4) : 0)) * size, (t + (k ? rng.around(0, 4) : 0)) * size));
  const r = (course === 'first' ? 3.6 : 4.2) * size;
  return bilateral(rod(path, [r * 0.8, r], { flatten: 0.7, shell: { thickness: 0.7, tissue: 'cortex' } }), z, { x: rng.around(0, 4), y: rng.around(0, 4) });
}
