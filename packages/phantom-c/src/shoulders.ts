import type { Column } from './column.js';
import { deg, type Vec } from './geometry.js';
import { back, bilateral, blob, centre, CORTICAL_SHELL, front, rod, vertebra } from './landmarks.js';
import type { Patient } from './patient.js';
import type { Rng } from './random.js';
import { ribs } from './ribs.js';
import type { Plate, Solid } from './solids.js';

/**
 * The shoulder girdles that lie over the cervicothoracic junction on a lateral film (the reason T1
 * is often faint): soft-tissue masses, humeral heads and shafts, clavicles, scapulae, upper ribs.
 */
export function shoulders(col: Column, patient: Patient, rng: Rng): Solid[] {
  const s = patient.size;
  const g = patient.girth;
  const c6 = vertebra(col, 'C6');
  const c7 = vertebra(col, 'C7');
  const t2 = vertebra(col, 'T2');
  const top = rng.uniform(centre(t2).y, centre(c6).y);
  const behind = back(c7).x;
  const nudge = (): Vec => ({ x: rng.around(0, 8), y: rng.around(0, 6) });
  const head: Vec = { x: behind - rng.uniform(0, 28) * s, y: top - 32 * s };
  const acromion: Vec = { x: behind - rng.uniform(-5, 12), y: top - 8 * s };
  const sternal: Vec = { x: front(t2).x + rng.uniform(35, 55) * g, y: centre(t2).y - rng.uniform(0, 15) };
  const blade: Plate = {
    kind: 'plate',
    outline: [
      acromion,
      { x: behind - 70 * s, y: top - 20 * s },
      { x: behind - 85 * s, y: top - 120 * s },
      { x: behind - 40 * s, y: top - 150 * s },
      { x: behind - 15 * s, y: top - 60 * s },
    ],
    thickness: 3,
    z: 0,
    tissue: 'cortex',
  };
  const out: Solid[] = [
    ...bilateral(
      blob({ x: behind + rng.uniform(-15, 10), y: top - 72 * s }, [75 * g, 75 * s], {
        depth: 38 * g,
        angle: deg(rng.uniform(-15, 5)),
        tissue: 'soft',
        soft: true,
      }),
      rng.uniform(100, 125) * g,
      nudge(),
    ),
    ...bilateral(blob(head, [23 * s, 23 * s], { depth: 23 * s, shell: { thickness: 1.1, tissue: 'cortex' } }), rng.uniform(150, 175) * g, nudge()),
    ...bilateral(
      rod([head, { x: head.x + rng.around(0, 10), y: head.y - 160 * s }], [12 * s, 11 * s], { shell: { thickness: 3, tissue: 'cortex' } }),
      160 * g,
      nudge(),
    ),
    ...bilateral(rod([acromion, sternal], [5 * s, 6.5 * s], { flatten: 1.2, shell: { thickness: 1, tissue: 'cortex' } }), 70 * g, nudge()),
    ...bilateral(rod([acromion, { x: behind - 75 * s, y: top - 40 * s }], [3, 4], { flatten: 3, shell: CORTICAL_SHELL }), 95 * g, nudge()),
    { ...blade, z: 95 * g },
    { ...blade, outline: blade.outline.map((p) => ({ x: p.x + rng.around(0, 8), y: p.y + rng.around(0, 6) })), z: -95 * g },
  ];
  for (const level of ['T1', 'T2', 'T3', 'T4']) {
    const v = vertebra(col, level);
    out.push(...ribs(v, level === 'T1' ? 'first' : 'full', { size: s, z: v.body.width / 2 + rng.uniform(45, 70), rng }));
  }
  return out;
}
