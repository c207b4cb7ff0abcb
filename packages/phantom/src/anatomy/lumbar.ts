import { band, bezier, ellipse, lerp, type Point, type Polygon } from '../geometry.js';
import type { Rng } from '../prng.js';
import type { Scene, Structure } from '../scene.js';
import { buildColumn } from './column.js';
import type { SceneOptions } from './cervical.js';
import { at, uprightColumn } from './frame.js';
import { blob, cage, pedicleScrew, posteriorElements, rod, syndesmophyte } from './parts.js';
import { patientLevels, spreadLordosis, type BaseLevel } from './specs.js';

const LUMBAR: BaseLevel[] = [
  { level: 'T10', labelled: false, height: 22, depth: 28, disc: 6, discAngle: -2, wedge: 2 },
  { level: 'T11', labelled: false, height: 23.5, depth: 30, disc: 7, discAngle: -1, wedge: 2 },
  { level: 'T12', labelled: true, height: 25, depth: 32, disc: 8, discAngle: 0, wedge: 1.5 },
  { level: 'L1', labelled: true, height: 26, depth: 35, disc: 9, discAngle: 0, wedge: 1 },
  { level: 'L2', labelled: true, height: 27, depth: 37, disc: 10, discAngle: 0, wedge: 0 },
  { level: 'L3', labelled: true, height: 28, depth: 39, disc: 11, discAngle: 0, wedge: 0 },
  { level: 'L4', labelled: true, height: 28, depth: 41, disc: 11.5, discAngle: 0, wedge: -1 },
  { level: 'L5', labelled: true, height: 27, depth: 42, disc: 11, discAngle: 0, wedge: -4 },
  { level: 'S1', labelled: true, height: 27, depth: 44, disc: 1.4, discAngle: -14, wedge: -2, fused: true },
  { level: 'S2', labelled: false, height: 22, depth: 36, disc: 1.1, discAngle: -16, wedge: 0, fused: true },
  { level: 'S3', labelled: false, height: 18, depth: 28, disc: 0.9, discAngle: -16, wedge: 0, fused: true },
  { level: 'S4', labelled: false, height: 14, depth: 21, disc: 0.8, discAngle: -18, wedge: 0, fused: true },
  { level: 'S5', labelled: false, height: 11, depth: 15, disc: 1.5, discAngle: -20, wedge: 0, fused: true },
  { level: 'Co1', labelled: false, height: 9, depth: 10, disc: 0, discAngle: 0, wedge: 0, fused: true },
];
const L1 = 3;
const L5 = 7;
const S1 = 8;

export function lumbarScene(rng: Rng, o: SceneOptions): Scene {
  const size = rng.gauss(1, 0.08, 0.8, 1.2);
  const age = rng.next() ** 0.8;
  const specs = patientLevels(rng, LUMBAR, { size, age, spurMax: 5, squared: o.ankylosing, concavity: 1 });
  spreadLordosis(rng, specs, [3, 4, 5, 6, 7], [0.08, 0.12, 0.18, 0.27, 0.35], rng.gauss(45, 12, 10, 75));
  if (rng.chance(0.08)) specs[rng.int(6, 7)]!.slipBelow = rng.sign() * rng.range(3, 10) * size;
  if (rng.chance(0.06)) specs[rng.int(2, 4)]!.wedge += (rng.range(10, 22) * Math.PI) / 180;
  const column = uprightColumn(buildColumn(specs), 2, L5);
  const vb = column.vertebrae;
  const density = rng.gauss(1, 0.15, 0.6, 1.3) * (o.ankylosing ? 0.85 : 1);
  const structures: Structure[] = [];
  const bone = (outline: Polygon, value: number, cortex: number, cortexMm = 1.2, texture = 0.6): Structure => ({
    outline,
    layer: 'fine',
    value: value * density,
    bone: { cortex: cortex * density, cortexMm: cortexMm * size, texture },
  });

  vb.forEach((v, k) => {
    const sacral = k > S1;
    structures.push(bone(v.outline, sacral ? 0.5 : 0.6, sacral ? 1.0 : 1.3, sacral ? 0.9 : 1.3));
  });
  column.discs.forEach((disc, k) => structures.push({ outline: disc, layer: 'fine', value: k >= S1 ? 0.3 * density : 0.08 }));
  vb.forEach((v, k) => {
    if (k > S1) return;
    const d = v.spec.depth;
    structures.push(
      ...posteriorElements(v, {
        pedicleLength: d * (k === S1 ? 0.25 : 0.33),
        massWidth: d * (k === S1 ? 0.35 : 0.4),
        massSlant: 0.05,
        spinousLength: d * (k < 2 ? 0.9 : k === S1 ? 0.4 : rng.range(0.65, 0.85)),
        spinousWidth: v.spec.height * (k < 2 ? 0.35 : 0.75),
        spinousDrop: v.spec.height * (k < 2 ? 0.6 : 0.1),
        value: 0.5 * density,
        cortex: 1.1 * density,
      }),
    );
    // Transverse processes project over the pedicles as a faint density.
    structures.push(bone(ellipse(at(v, v.spec.height * 0.35, -d * 0.3), d * 0.18, v.spec.height * 0.22, 0, 16), 0.25, 0.45, 1, 0.3));
  });

  // Sacrum behind the bodies (sacral canal and dorsal surface) and the alae over S1.
  const sacrum = vb.slice(S1);
  const dorsal = sacrum.map((v) => at(v, v.spec.height * 0.5, -v.spec.depth * 0.45));
  structures.push(bone(band(dorsal, (t) => (9 - 5 * t) * size), 0.45, 0.9, 1.5));
  const s1 = vb[S1]!;
  structures.push(bone(ellipse(at(s1, s1.spec.height * 0.45, s1.spec.depth * 0.3), s1.spec.depth * 0.35, s1.spec.height * 0.55, 0.2, 24), 0.3, 0.6, 1.5, 0.4));

  // Iliac wings over L5/S1, two sides offset; femoral heads low and anterior.
  for (let side = 0; side < 2; side++) {
    const shift = side * rng.range(3, 18);
    const crestTop = at(vb[L5 - 1]!, vb[L5 - 1]!.spec.height * rng.range(0.2, 1.2) + shift, s1.spec.depth * rng.range(0.0, 0.5));
    const psis = at(s1, s1.spec.height * 0.8 + shift, -s1.spec.depth * rng.range(0.8, 1.2));
    const asis = at(s1, -s1.spec.height * 0.2 + shift, s1.spec.depth * rng.range(2.0, 2.6));
    const acetabulum = at(vb[S1 + 2]!, 20 + shift, s1.spec.depth * rng.range(1.3, 1.8));
    const sciatic = at(vb[S1 + 2]!, shift, s1.spec.depth * 0.2);
    const wing: Polygon = [...bezier(psis, crestTop, asis, 14), lerp(asis, acetabulum, 0.5), acetabulum, sciatic];
    structures.push(bone(wing, 0.3, 0.9, 2.2 * size, 0.35));
    const head = at(vb[S1 + 3]!, 25 + shift * 2, s1.spec.depth * rng.range(1.3, 1.9));
    structures.push(bone(ellipse(head, 23 * size, 23 * size, 0, 32), 0.55, 1.2, 2.0));
  }

  // Lower ribs sweep forward and down over T12–L2.
  for (const k of [0, 1, 2]) {
    for (let side = 0; side < 2; side++) {
      const v = vb[k]!;
      const start = at(v, v.spec.height * 0.3 + side * rng.range(2, 10), -v.spec.depth * 0.35);
      const reach = k === 2 ? rng.range(0.6, 1.2) : rng.range(1.2, 2.8);
      const mid = at(v, v.spec.height * (0.9 + reach * 0.6), v.spec.depth * reach * 0.7);
      const end = at(v, v.spec.height * (1.2 + reach * 1.4), v.spec.depth * reach * 1.8);
      structures.push(bone(band(bezier(start, mid, end, 14), (t) => (5 - 2 * t) * size), 0.25, 0.8, 1.5, 0.2));
    }
  }

  // Abdomen and back soft tissue, lung bases at the top, bowel gas in front of the spine.
  const top = vb[0]!;
  const tail = vb[vb.length - 1]!;
  const back = rng.range(45, 95) * size;
  const belly = rng.range(160, 320) * size;
  const abdomen: Polygon = [
    at(top, -200, -top.spec.depth * 0.5 - 70 - back),
    at(top, -200, belly),
    at(tail, 200, belly),
    at(tail, 200, -tail.spec.depth - 60 - back),
    at(vb[L1]!, 0, -vb[L1]!.spec.depth * 0.5 - 60 - back),
  ];
  structures.push({ outline: abdomen, layer: 'coarse', value: rng.range(2.0, 3.5) * size });
  structures.push({ outline: ellipse(at(vb[L1 + 2]!, 0, vb[L1 + 2]!.spec.depth + 80), 80 * size, 120 * size, 0, 24), layer: 'coarse', value: rng.range(0.3, 0.9) });
  if (rng.chance(0.7)) {
    const dome = at(top, rng.range(-40, 30), top.spec.depth * 0.5);
    structures.push({ outline: ellipse(dome, 140 * size, 60 * size, rng.range(-0.2, 0.2), 28), layer: 'coarse', value: -rng.range(0.5, 1.2) });
  }
  const gas = rng.int(4, 26);
  for (let i = 0; i < gas; i++) {
    const v = vb[rng.int(L1, S1 + 1)]!;
    const c: Point = at(v, rng.range(-10, 30), v.spec.depth * rng.range(0.3, 3.5));
    const r = rng.range(4, 22) * size;
    structures.push({ outline: blob(rng, c, r, r * rng.range(0.4, 1), 0.4), layer: 'fine', value: -rng.range(0.15, 0.8) });
  }
  if (rng.chance(0.25 + 0.4 * age)) {
    for (let k = L1 + 1; k <= L5; k++) {
      if (!rng.chance(0.5)) continue;
      const v = vb[k]!;
      const p0 = at(v, rng.range(0, 10), v.spec.depth + rng.range(8, 20));
      structures.push({ outline: band([p0, at(v, rng.range(12, 30), v.spec.depth + rng.range(8, 20))], () => 0.6), layer: 'fine', value: 0.9 });
    }
  }

  if (o.ankylosing) {
    const start = rng.int(2, 6);
    const count = rng.int(1, 6);
    for (let k = start; k < Math.min(S1, start + count); k++) {
      structures.push(syndesmophyte(rng, vb[k]!, vb[k + 1]!, true, 1.1 * density));
      if (rng.chance(0.4)) structures.push(syndesmophyte(rng, vb[k]!, vb[k + 1]!, false, 0.9 * density));
    }
  }
  if (o.implants) {
    const first = rng.int(L1 + 1, L5);
    const last = Math.min(S1, first + rng.int(1, 2));
    const metal = rng.range(6, 10);
    const heads: Point[] = [];
    for (let k = first; k <= last; k++) {
      const v = vb[k]!;
      const pedicle = v.spec.depth * 0.33;
      structures.push(...pedicleScrew(v, pedicle, 6 * size, rng.range(0.6, 0.85), metal));
      heads.push(at(v, v.spec.height * 0.38, -pedicle - 9));
      if (k < last && rng.chance(0.5)) structures.push(cage(column.discs[k]!, 0.6, metal));
    }
    structures.push(rod(heads, 2.8 * size, metal));
  }

  return {
    view: 'lumbar',
    structures,
    bodies: vb.slice(0, S1 + 1).map((v) => ({ level: v.spec.level, labelled: v.spec.labelled, outline: v.outline })),
    marginAbove: [5, 50],
    marginBelow: [30, 110],
    ankylosing: o.ankylosing,
    implants: o.implants,
  };
}
