import type { Column } from './column.js';
import { deg, toWorld, type Frame, type Vec } from './geometry.js';
import { bilateral, blob, CORTICAL_SHELL, rod, vertebra } from './landmarks.js';
import type { Patient } from './patient.js';
import type { Rng } from './random.js';
import type { Plate, Solid } from './solids.js';

/** The dens, the atlas (a ring of an anterior arch, lateral masses, posterior arch) and the dens tip. */
export function atlas(col: Column, patient: Patient, rng: Rng): { solids: Solid[]; tip: Vec } {
  const c2 = vertebra(col, 'C2');
  const { halfDepth: hd, halfHeight: hh } = c2.body.profile;
  const f = c2.body.frame;
  const s = patient.size;
  const height = rng.uniform(13, 17) * s;
  const lean = deg(rng.uniform(4, 16));
  const at = (u: number, v: number): Vec => toWorld(f, u, v);
  const densU = -0.12 * hd;
  const tip = at(densU - Math.sin(lean) * height * 0.5, hh + height - 2);
  const arch = densU + 4.6 * s + rng.uniform(1.5, 3) + 3.2 * s;
  const solids: Solid[] = [
    blob(at(densU, hh + height / 2 - 2), [4.6 * s, height / 2], { depth: 5 * s, angle: f.angle + lean, shell: { thickness: 1, tissue: 'cortex' } }),
    blob(at(arch, hh + 0.62 * height), [3.2 * s, 5.2 * s], { depth: 7 * s, angle: f.angle + deg(rng.uniform(-10, 20)), shell: CORTICAL_SHELL }),
    ...bilateral(blob(at(-0.3 * hd, hh + 0.55 * height), [9 * s, 6.5 * s], { depth: 7 * s, angle: f.angle, squareness: 2.5, shell: CORTICAL_SHELL }), 20 * s),
    rod([at(-hd - 8, hh + 0.5 * height), at(-hd - 32 * s, hh + 0.45 * height)], [3, 3.6], { flatten: 1.4, shell: CORTICAL_SHELL }),
    blob(at(-hd - 33 * s, hh + 0.45 * height), [4.5 * s, 6 * s], { depth: 4, shell: CORTICAL_SHELL }),
  ];
  return { solids, tip };
}

/** The mandible of one side: an L-shaped plate (ramus and body) with a cortical rim, and its teeth. */
function mandible(head: Frame, options: { size: number; dentate: boolean; rng: Rng }): Solid[] {
  const { size: s, dentate, rng } = options;
  const at = (u: number, v: number): Vec => toWorld(head, u * s, v * s);
  const gonion = [rng.uniform(28, 42), rng.uniform(-42, -30)] as const;
  const menton = [gonion[0] + rng.uniform(62, 78), gonion[1] + rng.uniform(-10, 2)] as const;
  const outline = [at(20, 12), at(32, 2), at(44, 12), at(47, -16), at(menton[0] - 6, menton[1] + 28), at(menton[0], menton[1]), at(gonion[0], gonion[1])];
  const plate: Plate = { kind: 'plate', outline, thickness: 8 * s, z: 0, tissue: 'cancellous' };
  const rim = rod([at(menton[0], menton[1] + 2), at(gonion[0] + 3, gonion[1] + 2), at(22, 10)], [2.4, 2.8], { flatten: 1.6, tissue: 'cortex' });
  const teeth: Solid[] = [];
  if (dentate) {
    // Molars and premolars, lower and upper, each its own size and tilt; some missing.
    for (let k = 0; k < 6; k++) {
      const u = gonion[0] + 38 + k * rng.uniform(5.5, 7.5);
      const v = menton[1] + 26 + (gonion[1] - menton[1]) * 0.1;
      for (const lift of [4, 17]) {
        if (rng.chance(0.2)) continue;
        const crown = { depth: rng.uniform(3.5, 5) * s, tissue: 'enamel' as const, squareness: rng.uniform(2.2, 3), angle: head.angle + deg(rng.around(0, 8)) };
        teeth.push(blob(at(u + rng.around(0, 1), v + lift + rng.around(0, 1.5)), [rng.uniform(2.6, 3.6) * s, rng.uniform(3.6, 5) * s], crown));
      }
    }
  }
  return [plate, rim, ...teeth];
}

/** Skull vault and base, face, jaw and palate, placed from the dens tip with the head's own flexion. */
export function head(tip: Vec, patient: Patient, rng: Rng): Solid[] {
  const s = patient.size;
  const frame: Frame = { origin: tip, angle: deg(rng.uniform(-12, 12)) };
  const at = (u: number, v: number): Vec => toWorld(frame, u * s, v * s);
  const out: Solid[] = [
    // The cranium tilts up in front, so the occiput comes down behind C1 and the base rises forwards.
    blob(at(-22, 92), [92 * s, 72 * s], {
      depth: 72 * s,
      angle: frame.angle + deg(rng.uniform(14, 26)),
      tissue: 'soft',
      shell: { thickness: 5, tissue: 'cortex' },
    }),
    blob(at(95, 18), [50 * s, 55 * s], { depth: 60 * s, tissue: 'soft' }),
    rod([at(3, 8), at(22, 44)], [5, 7], { flatten: 2, shell: CORTICAL_SHELL }),
    ...bilateral(blob(at(-4, 28), [22 * s, 8 * s], { depth: 14 * s, angle: frame.angle + deg(25), shell: { thickness: 2, tissue: 'cortex' } }), 32 * s),
    ...bilateral(blob(at(-14, 4), [8 * s, 13 * s], { depth: 8 * s, shell: CORTICAL_SHELL }), 48 * s),
    rod([at(24, 30), at(78, 34)], [2.4, 2.4], { flatten: 4, tissue: 'cortex' }),
    ...bilateral(blob(at(72, 48), [18 * s, 15 * s], { depth: 14 * s, tissue: 'gas' }), 30 * s),
  ];
  const dentate = rng.chance(0.85);
  const near = mandible(frame, { size: s, dentate, rng });
  const far = mandible(
    { origin: { x: tip.x + rng.around(0, 3), y: tip.y + rng.around(0, 3) }, angle: frame.angle + deg(rng.around(0, 2)) },
    { size: s, dentate, rng },
  );
  const z = 45 * s;
  return [...out, ...near.map((q) => ({ ...q, z })), ...far.map((q) => ({ ...q, z: -z }))];
}
