import type { Column } from './column.js';
import { deg, type Vec } from './geometry.js';
import { back, blob, centre, front, rod, share, vertebra } from './landmarks.js';
import type { Patient } from './patient.js';
import type { Rng } from './random.js';
import { ribs } from './ribs.js';
import type { EnvelopeKnot, Solid } from './solids.js';

// Skin in front of the anterior wall, skin behind the posterior wall, half the trunk's width, mm.
const TRUNK: Record<string, [[number, number], [number, number], number]> = {
  T8: [[90, 120], [80, 100], 150],
  T9: [[95, 125], [80, 100], 150],
  T10: [[100, 140], [80, 100], 150],
  T11: [[105, 150], [78, 98], 150],
  T12: [[110, 160], [75, 95], 148],
  L1: [[120, 190], [72, 95], 145],
  L2: [[125, 210], [70, 92], 145],
  L3: [[125, 220], [68, 90], 148],
  L4: [[120, 205], [64, 86], 155],
  L5: [[115, 190], [62, 84], 165],
  S1: [[110, 170], [62, 85], 165],
  S3: [[95, 140], [85, 120], 170],
  S5: [[90, 130], [85, 120], 170],
};

export function trunkEnvelope(col: Column, patient: Patient, rng: Rng): Solid {
  const g = patient.girth;
  // One draw per film for each skin line, so the outline stays smooth from level to level.
  const ahead = rng.uniform(0, 1);
  const behind = rng.uniform(0, 1);
  const knots: EnvelopeKnot[] = [...col.vertebrae, ...col.sacrum]
    .filter((v) => TRUNK[v.level])
    .map((v) => {
      const [f, b, hw] = TRUNK[v.level]!;
      return { y: centre(v).y, front: front(v).x + share(f, ahead) * g, back: back(v).x - share(b, behind) * g ** 0.7, halfWidth: hw * g };
    });
  const last = knots[knots.length - 1]!;
  knots.push({ ...last, y: last.y - 150 });
  const first = knots[0]!;
  knots.unshift({ ...first, y: first.y + 120 });
  return { kind: 'envelope', tissue: 'soft', knots };
}

/** Gas in the bowel: scattered loops, a few colon segments, and mottled stool in some films. */
export function bowelGas(col: Column, patient: Patient, rng: Rng): Solid[] {
  const l3 = vertebra(col, 'L3');
  const s1 = vertebra(col, 'S1');
  const t12 = vertebra(col, 'T12');
  const x0 = front(l3).x - 25;
  const spot = (): Vec => ({ x: x0 + rng.uniform(0, 150) * patient.girth, y: rng.uniform(centre(s1).y - 90, centre(t12).y + 40) });
  const out: Solid[] = [];
  // Loops are lobulated: a few overlapping pockets each, never one clean ellipse.
  for (let k = rng.int(2, 10); k > 0; k--) {
    const c = spot();
    const size = rng.logUniform(5, 18);
    const z = rng.uniform(-100, 100);
    for (let n = rng.int(3, 8); n > 0; n--) {
      const r = size * rng.uniform(0.3, 0.8);
      const at = { x: c.x + rng.around(0, size * 0.6), y: c.y + rng.around(0, size * 0.6) };
      out.push(blob(at, [r, r * rng.uniform(0.45, 1)], { depth: rng.uniform(0.25, 0.6) * size, angle: rng.uniform(0, Math.PI), z, tissue: 'gas', soft: true }));
    }
  }
  // Mesenteric and retroperitoneal fat: broad, faint lucencies that break up the soft tissue.
  for (let k = rng.int(2, 5); k > 0; k--) {
    const r = rng.uniform(25, 60);
    out.push(blob(spot(), [r, r * rng.uniform(0.5, 1)], { depth: rng.uniform(30, 70), angle: rng.uniform(0, Math.PI), tissue: 'fat', soft: true }));
  }
  for (let k = rng.int(0, 3); k > 0; k--) {
    const path: Vec[] = [spot()];
    for (let n = 0; n < 4; n++) path.push({ x: path[n]!.x + rng.around(0, 25), y: path[n]!.y + rng.around(0, 25) });
    const r = rng.uniform(6, 13);
    out.push(rod(path, [r, r * rng.uniform(0.7, 1.1)], { flatten: 0.8, z: rng.uniform(-90, 90), tissue: 'gas' }));
  }
  for (let k = rng.chance(0.5) ? rng.int(1, 2) : 0; k > 0; k--) {
    const c = spot();
    for (let n = rng.int(15, 40); n > 0; n--) {
      const r = rng.uniform(1.5, 4.5);
      out.push(blob({ x: c.x + rng.around(0, 14), y: c.y + rng.around(0, 14) }, [r, r], { depth: r * 1.5, z: rng.uniform(-60, 60), tissue: 'gas' }));
    }
  }
  return out;
}

/** Lower ribs over the thoracolumbar junction, and in older patients a calcified aortic wall. */
export function lowerRibsAndAorta(col: Column, patient: Patient, rng: Rng): Solid[] {
  const out: Solid[] = [];
  for (const level of ['T8', 'T9', 'T10', 'T11', 'T12']) {
    const v = vertebra(col, level);
    const course = level === 'T12' ? 'short' : level === 'T11' ? 'floating' : 'full';
    out.push(...ribs(v, course, { size: patient.size, z: v.body.width / 2 + rng.uniform(70, 115) * patient.girth, rng }));
  }
  if (rng.chance(0.1 + 0.4 * patient.age ** 2)) {
    const gap = rng.uniform(3, 9);
    const lumen = rng.uniform(16, 24);
    for (const level of ['L1', 'L2', 'L3', 'L4']) {
      const v = vertebra(col, level);
      for (let n = rng.int(0, 3); n > 0; n--) {
        const wall = rng.chance(0.6) ? gap : gap + lumen;
        const a = front(v, rng.uniform(-1, 1));
        const start = { x: a.x + wall, y: a.y };
        const len = rng.uniform(3, 12);
        const dir = deg(90 + rng.around(0, 12));
        out.push(
          rod([start, { x: start.x + Math.cos(dir) * len, y: start.y + Math.sin(dir) * len }], [rng.uniform(0.6, 1.3), 0.6], {
            tissue: 'cortex',
            flatten: 2.5,
            z: -15,
          }),
        );
      }
    }
  }
  return out;
}
