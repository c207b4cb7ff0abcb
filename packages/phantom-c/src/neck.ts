import type { Column } from './column.js';
import type { Vec } from './geometry.js';
import { back, bilateral, blob, centre, front, rod, share, vertebra } from './landmarks.js';
import type { Patient } from './patient.js';
import type { Rng } from './random.js';
import type { EnvelopeKnot, Solid } from './solids.js';

// Skin in front of the anterior wall, skin behind the posterior wall, and half the neck's width, mm.
const NECK: Record<string, [[number, number], [number, number], number]> = {
  C2: [[42, 55], [70, 85], 56],
  C3: [[45, 56], [65, 80], 52],
  C4: [[46, 60], [60, 75], 52],
  C5: [[40, 54], [60, 75], 54],
  C6: [[35, 46], [65, 80], 58],
  C7: [[28, 40], [75, 95], 64],
  T1: [[30, 45], [85, 105], 80],
  T2: [[45, 70], [95, 110], 105],
  T3: [[60, 80], [100, 115], 130],
  T4: [[65, 90], [100, 120], 140],
};

// Prevertebral soft tissue (anterior wall to airway), mm: thin behind the pharynx, thick behind the larynx.
const PREVERTEBRAL: Record<string, [number, number]> = {
  C2: [3, 6],
  C3: [4, 7],
  C4: [5, 8],
  C5: [9, 15],
  C6: [12, 18],
  C7: [12, 18],
  T1: [13, 18],
  T2: [14, 19],
};

/** The neck's soft-tissue column, from the skull base into the upper chest. */
export function neckEnvelope(col: Column, options: { tip: Vec; patient: Patient }, rng: Rng): Solid {
  const { tip, patient } = options;
  const g = patient.girth;
  // One draw per film for each skin line, so the outline stays smooth from level to level.
  const ahead = rng.uniform(0, 1);
  const behind = rng.uniform(0, 1);
  const knots: EnvelopeKnot[] = col.vertebrae.map((v) => {
    const [f, b, hw] = NECK[v.level]!;
    return { y: centre(v).y, front: front(v).x + share(f, ahead) * g, back: back(v).x - share(b, behind) * g ** 0.7, halfWidth: hw * g };
  });
  const top = knots[0]!;
  knots.unshift({ ...top, y: tip.y + 25, front: top.front + 5, back: top.back - 5 });
  const last = knots[knots.length - 1]!;
  knots.push({ ...last, y: last.y - 80 });
  return { kind: 'envelope', tissue: 'soft', knots };
}

/** The air column (nasopharynx to trachea), larynx pockets, hyoid and, in some, calcified cartilage. */
export function airway(col: Column, options: { tip: Vec; patient: Patient }, rng: Rng): Solid[] {
  const { tip, patient } = options;
  const s = patient.size;
  const path: Vec[] = [
    { x: tip.x + 38 * s, y: tip.y + 22 * s },
    { x: tip.x + 18 * s, y: tip.y + 8 * s },
  ];
  const r = rng.uniform(5, 8.5) * s;
  for (const v of col.vertebrae) {
    const pre = PREVERTEBRAL[v.level];
    if (pre) path.push({ x: front(v).x + rng.uniform(...pre) + r, y: centre(v).y });
  }
  const c3 = vertebra(col, 'C3');
  const c5 = vertebra(col, 'C5');
  const c6 = vertebra(col, 'C6');
  const hyoid = { x: front(c3).x + rng.uniform(30, 42) * s, y: front(c3, -1).y + rng.uniform(-4, 4) };
  const out: Solid[] = [
    rod(path, [r, r * 0.85], { flatten: rng.uniform(2, 3.2), tissue: 'gas' }),
    blob({ x: front(c3).x + 22 * s, y: centre(c3).y + 2 }, [4 * s, 3 * s], { depth: 10 * s, tissue: 'gas' }),
    blob({ x: front(c5).x + 26 * s, y: centre(c5).y }, [4 * s, 1.5 * s], { depth: 8 * s, tissue: 'gas', soft: true }),
    rod([{ x: hyoid.x + 2 * s, y: hyoid.y - 5 * s }, hyoid, { x: hyoid.x - 3 * s, y: hyoid.y + 3 * s }], [2.6 * s, 2 * s], {
      flatten: 3,
      shell: { thickness: 0.6, tissue: 'cortex' },
    }),
    ...bilateral(rod([hyoid, { x: hyoid.x - 26 * s, y: hyoid.y + 10 * s }], [2, 1.2], { shell: { thickness: 0.6, tissue: 'cortex' } }), 16 * s),
  ];
  if (rng.chance(0.15 + 0.35 * patient.age)) {
    const a = { x: front(c5).x + 38 * s, y: centre(vertebra(col, 'C4')).y };
    out.push(rod([a, { x: a.x - 2, y: a.y - 9 * s }], [1, 0.7], { tissue: 'cortex', flatten: 4 }));
    out.push(
      blob({ x: front(c6).x + 24 * s, y: centre(c6).y - 4 }, [5 * s, 7 * s], {
        depth: 8 * s,
        tissue: 'cartilage',
        shell: { thickness: 0.8, tissue: 'cortex' },
      }),
    );
  }
  return out;
}
