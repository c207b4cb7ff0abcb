import type { Column } from './column.js';
import { deg, lerp, toWorld, type Vec } from './geometry.js';
import { back, bilateral, blob, centre, CORTICAL_SHELL, front, rod, vertebra } from './landmarks.js';
import type { Patient } from './patient.js';
import type { Rng } from './random.js';
import type { Plate, Solid } from './solids.js';

/** The sacrum's dorsal wall and alae, the coccyx, and in some a vacuum cleft in a lower lumbar disc. */
export function sacrum(col: Column, patient: Patient, rng: Rng): Solid[] {
  const s = patient.size;
  const s1 = vertebra(col, 'S1');
  const segments = [s1, ...col.sacrum];
  const dorsal = segments.map((v) => toWorld(v.body.frame, -v.body.profile.halfDepth - 15 * s, 0));
  const last = col.sacrum[col.sacrum.length - 1]!;
  const tail = toWorld(last.body.frame, 0, -last.body.profile.halfHeight - 8 * s);
  const out: Solid[] = [
    rod(dorsal, [5.5 * s, 3 * s], { flatten: 2.2, shell: CORTICAL_SHELL }),
    ...bilateral(
      blob(toWorld(s1.body.frame, -0.15 * s1.body.profile.halfDepth, 0.15 * s1.body.profile.halfHeight), [22 * s, 16 * s], {
        depth: 16 * s,
        angle: s1.body.frame.angle,
        shell: { thickness: 0.6, tissue: 'cortex' },
      }),
      34 * s,
    ),
    rod([tail, toWorld(last.body.frame, 6 * s, -last.body.profile.halfHeight - 30 * s)], [5 * s, 3 * s], { shell: { thickness: 0.8, tissue: 'cortex' } }),
  ];
  if (rng.chance(0.05 + 0.25 * patient.age)) {
    const upper = vertebra(col, rng.pick(['L4', 'L5']));
    const lower = col.vertebrae[col.vertebrae.indexOf(upper) + 1]!;
    const mid = lerp(upper.inferior.origin, lower.superior.origin, 0.5);
    out.push(blob({ x: mid.x + 3, y: mid.y }, [upper.body.profile.halfDepth * 0.5, 0.9], { depth: 12, angle: upper.inferior.angle, tissue: 'gas' }));
  }
  return out;
}

/** One ilium: a thin blade seen face-on with a thick crest, sciatic notch and acetabular roof. */
function ilium(col: Column, patient: Patient, rng: Rng): Solid[] {
  const s = patient.size;
  const l5 = vertebra(col, 'L5');
  const s1 = vertebra(col, 'S1');
  const crest = lerp(l5.inferior.origin, vertebra(col, 'L4').inferior.origin, rng.uniform(0, 1)).y + rng.uniform(-12, 12);
  const psis: Vec = { x: back(s1).x - rng.uniform(28, 45) * s, y: centre(s1).y - rng.uniform(15, 35) * s };
  const top: Vec = { x: back(l5).x + rng.uniform(0, 25) * s, y: crest };
  const asis: Vec = { x: front(l5).x + rng.uniform(40, 70) * s, y: s1.superior.origin.y - rng.uniform(0, 20) * s };
  const hip: Vec = { x: front(s1).x + rng.uniform(20, 50) * s, y: s1.superior.origin.y - rng.uniform(95, 125) * s };
  const notch: Vec = { x: back(s1).x - rng.uniform(0, 15), y: hip.y + 40 * s };
  const rim = [psis, { x: (psis.x + top.x) / 2 - 5, y: crest - 10 * s }, top, { x: (top.x + asis.x) / 2 + 10, y: crest - 6 * s }, asis];
  const blade: Plate = {
    kind: 'plate',
    outline: [...rim, { x: asis.x - 6, y: asis.y - 28 * s }, { x: hip.x + 10, y: hip.y + 28 * s }, notch],
    thickness: 2.5,
    z: 0,
    tissue: 'cortex',
  };
  return [
    blade,
    { ...blade, thickness: 7, tissue: 'cancellous' },
    rod(rim, [3.5 * s, 5 * s], { flatten: 1.2, shell: { thickness: 1.1, tissue: 'cortex' } }),
    rod(
      [
        { x: hip.x - 30 * s, y: hip.y + 20 * s },
        { x: hip.x, y: hip.y + 29 * s },
        { x: hip.x + 28 * s, y: hip.y + 18 * s },
      ],
      [3.5, 3],
      { flatten: 3, tissue: 'cortex' },
    ),
    blob(hip, [24 * s, 24 * s], { depth: 24 * s, shell: { thickness: 1.8, tissue: 'cortex' } }),
    rod([hip, { x: hip.x + 22 * s, y: hip.y - 38 * s }], [14 * s, 15 * s], { shell: { thickness: 2.2, tissue: 'cortex' } }),
  ];
}

/** Both hip bones (ilia, acetabula, femoral heads and necks), the far one magnified and shifted. */
export function pelvis(col: Column, patient: Patient, rng: Rng): Solid[] {
  const g = patient.girth;
  const z = rng.uniform(70, 95) * Math.sqrt(g);
  const shape = ilium(col, patient, rng);
  const near = shape.map((q) => ({ ...q, z }));
  const shift = { x: rng.around(0, 6), y: rng.around(0, 5) };
  const far = shape.map((q) => {
    const moved = (p: Vec): Vec => ({ x: p.x + shift.x, y: p.y + shift.y });
    if (q.kind === 'plate') return { ...q, outline: q.outline.map(moved), z: -z };
    if (q.kind === 'tube') return { ...q, path: q.path.map(moved), z: -z };
    if (q.kind === 'ellipsoid') return { ...q, centre: moved(q.centre), z: -z };
    return q;
  });
  return [...near, ...far, ...bilateral(blob(toWorld(vertebra(col, 'S1').body.frame, -5, -10), [12, 30], { depth: 10, angle: deg(10) }), z * 0.75)];
}
