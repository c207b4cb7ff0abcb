import { band, bezier, chaikin, ellipse, lerp, type Point, type Polygon } from '../geometry.js';
import type { Rng } from '../prng.js';
import type { Scene } from '../scene.js';
import { buildColumn, type BuiltColumn, type BuiltVertebra } from './column.js';
import type { SceneOptions } from './cervical.js';
import { at, placeColumn, uprightColumn } from './frame.js';
import { blob, bodyStructures, bridgeLevels, cage, pedicleScrew, posteriorElements, rod, sketch, type Sketch } from './parts.js';
import { patientLevels, spreadLordosis, type BaseLevel } from './specs.js';
import { DEFAULT_ANATOMY, withContext, type AnatomyVariation } from './variation.js';

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
/** Thoracic bodies above T10 that a tall field shows (AnatomyVariation.tallField), drawn like T10. */
const THORACIC_ABOVE: BaseLevel[] = [
  { level: 'T7', labelled: false, height: 19.5, depth: 25, disc: 5, discAngle: -3, wedge: 3 },
  { level: 'T8', labelled: false, height: 20, depth: 26, disc: 5, discAngle: -3, wedge: 3 },
  { level: 'T9', labelled: false, height: 21, depth: 27, disc: 5.5, discAngle: -2, wedge: 2.5 },
];
const L1 = 3;
const L5 = 7;
const S1 = 8;

export function lumbarScene(rng: Rng, o: SceneOptions): Scene {
  const v = o.variation ?? DEFAULT_ANATOMY;
  const size = rng.gauss(1, 0.08, 0.8, 1.2) * v.size;
  const { column, above, age } = lumbarColumn(rng, size, o.ankylosing, v);
  const vb = column.vertebrae;
  const s = sketch(rng, size, rng.gauss(1, 0.15, 0.6, 1.3) * (o.ankylosing ? 0.85 : 1) * v.density, 1.2);
  vertebrae(s, column, v.cortex, lastBody(v));
  if (above && v.rng) thoracicAbove({ ...s, rng: v.rng.fork('thoracic-draw') }, above, v.cortex);
  sacrum(s, column);
  withContext(s.structures, v, 'pelvis', () => pelvis(s, vb));
  withContext(s.structures, v, 'ribs', () => ribs(s, vb.slice(0, 3), vb[2]));
  trunk(s, vb);
  withContext(s.structures, v, 'bowel', () => bowelGas(s, vb));
  calcifiedAorta(s, vb, age);
  if (o.ankylosing) {
    const start = rng.int(2, 6);
    const count = rng.int(1, 6);
    bridgeLevels(s, vb, start, Math.min(S1, start + count));
  }
  if (o.implants) pedicleFusion(s, column);

  return {
    view: 'lumbar',
    structures: s.structures,
    bodies: [...(above?.vertebrae ?? []), ...vb.slice(0, lastBody(v) + 1)].map((v) => ({ level: v.spec.level, labelled: v.spec.labelled, outline: v.outline })),
    // A tall field reaches from just above T10 (55 mm above T12) to T7's middle (about 130 mm).
    marginAbove: above ? [55, 130] : [5, 50],
    marginBelow: [30, 110],
    ankylosing: o.ankylosing,
    implants: o.implants,
  };
}

/**
 * The patient's T10–Co1, upright between T12 and L5, sometimes with a slip at L4 or L5 or a wedged
 * body; with a tall field, also T7–T9 above (`above`: their bodies and the discs down to T10), drawn
 * from the variation's own stream and stacked on T10, so that T10–Co1 stay as they are.
 */
function lumbarColumn(
  rng: Rng,
  size: number,
  ankylosing: boolean,
  variation: AnatomyVariation,
): { column: BuiltColumn; above: BuiltColumn | undefined; age: number } {
  const age = rng.next() ** 0.8;
  const specs = patientLevels(rng, LUMBAR, { size, age, spurMax: 5, squared: ankylosing, concavity: 1, variation });
  // A segmented S2 sits across a disc remnant a third to a half of L5–S1's (drawn from its own stream).
  if (variation.sacralSegment && variation.rng) specs[S1]!.discBelow = specs[L5]!.discBelow * variation.rng.fork('sacral-disc').range(0.35, 0.55);
  spreadLordosis(rng, specs, [3, 4, 5, 6, 7], [0.08, 0.12, 0.18, 0.27, 0.35], rng.gauss(45, 12, 10, 75) * variation.lordosis);
  if (rng.chance(0.08)) specs[rng.int(6, 7)]!.slipBelow = rng.sign() * rng.range(3, 10) * size;
  if (rng.chance(0.06)) specs[rng.int(2, 4)]!.wedge += (rng.range(10, 22) * Math.PI) / 180;
  const column = uprightColumn(buildColumn(specs), 2, L5);
  if (!(variation.tallField && variation.rng)) return { column, above: undefined, age };
  // T7–T9 stacked on T10 as it stands, so that T10–Co1 are where they would be without them.
  const thoracic = patientLevels(variation.rng.fork('thoracic'), THORACIC_ABOVE, { size, age, spurMax: 3, squared: ankylosing, concavity: 1, variation });
  const n = thoracic.length;
  const stack = buildColumn([...thoracic, specs[0]!]);
  const placed = placeColumn(stack, stack.vertebrae[n]!, column.vertebrae[0]!);
  return { column, above: { vertebrae: placed.vertebrae.slice(0, n), discs: placed.discs }, age };
}

/** T7–T9 of a tall field: bodies, the discs down to T10, posterior elements and ribs, as T10's. */
function thoracicAbove(s: Sketch, above: BuiltColumn, cortexFactor: number): void {
  const look = bodyLook(s, cortexFactor);
  for (const v of above.vertebrae) s.structures.push(...bodyStructures(v, look));
  above.discs.forEach((disc) => s.structures.push({ outline: disc, layer: 'fine', value: 0.06 }));
  for (const v of above.vertebrae) backOf(s, v, 'thoracic');
  ribs(s, above.vertebrae);
}

/** The last body drawn as a body: S1, or S2 where it stands apart (an unlabelled region of the truth). */
function lastBody(v: AnatomyVariation): number {
  return v.sacralSegment ? S1 + 1 : S1;
}

/** Bodies, discs and posterior elements down to S1 (S2 where it stands apart), with faint transverse processes. */
function vertebrae(s: Sketch, column: BuiltColumn, cortexFactor: number, last: number): void {
  const vb = column.vertebrae;
  const look = bodyLook(s, cortexFactor);
  for (const v of vb.slice(0, last + 1)) s.structures.push(...bodyStructures(v, look));
  column.discs.slice(0, last).forEach((disc) => s.structures.push({ outline: disc, layer: 'fine', value: 0.06 }));
  vb.forEach((v, k) => {
    if (k <= S1) backOf(s, v, k < 2 ? 'thoracic' : k === S1 ? 'sacral' : 'lumbar');
  });
}

/** How a body is drawn: trabecular bone, cortex and endplates of the patient's density. */
function bodyLook(s: Sketch, cortexFactor: number) {
  return {
    trabecular: 0.55 * s.density,
    cortex: 0.8 * s.density * cortexFactor,
    cortexMm: 1.0 * s.size,
    endplate: 0.35 * s.density * cortexFactor,
    endplateMm: 1.3 * s.size,
    texture: 0.6,
  };
}

/**
 * A vertebra's posterior elements (a thoracic one's long, drooping spinous process; S1's short
 * pedicles) and its transverse processes, projected over the pedicles as a faint density.
 */
function backOf(s: Sketch, v: BuiltVertebra, kind: 'thoracic' | 'lumbar' | 'sacral'): void {
  const { rng, density, structures } = s;
  const d = v.spec.depth;
  const thoracic = kind === 'thoracic';
  structures.push(
    ...posteriorElements(v, {
      pedicleLength: d * (kind === 'sacral' ? 0.25 : 0.33),
      massWidth: d * (kind === 'sacral' ? 0.35 : 0.4),
      massSlant: 0.05,
      spinousLength: d * (thoracic ? 0.9 : kind === 'sacral' ? 0.4 : rng.range(0.65, 0.85)),
      spinousWidth: v.spec.height * (thoracic ? 0.35 : 0.75),
      spinousDrop: v.spec.height * (thoracic ? 0.6 : 0.1),
      value: 0.2 * density,
      cortex: 0.34 * density,
    }),
  );
  structures.push({ outline: blob(rng, at(v, v.spec.height * 0.35, -d * 0.3), d * 0.2, v.spec.height * 0.25, 0.3), layer: 'fine', value: 0.08 * density });
}

/** Sacrum below S1 as one fused, tapering bone with faint remnant discs; alae over S1. */
function sacrum(s: Sketch, column: BuiltColumn): void {
  const { size, density, structures, bone } = s;
  const vb = column.vertebrae;
  const s1 = vb[S1]!;
  const sacral = vb.slice(S1 + 1);
  const front = [s1.inferiorAnterior, ...sacral.flatMap((v) => [v.superiorAnterior, v.inferiorAnterior])];
  const tip = sacral[sacral.length - 1]!;
  const dorsal = [s1, ...sacral].map((v, i) => at(v, v.spec.height * 0.5, -v.spec.depth * (i === 0 ? 0.55 : 0.5) - 4 * size));
  const sacrum = chaikin([...front, tip.inferiorPosterior, ...dorsal.reverse(), at(s1, s1.spec.height * 0.9, -2)], 2);
  structures.push(bone(sacrum, 0.3, 0.5, 1.2, 0.7));
  column.discs.slice(S1).forEach((disc) => {
    const [ip, ia, sa, sp] = disc as [Point, Point, Point, Point];
    structures.push({ outline: band([lerp(ip, sp, 0.5), lerp(ia, sa, 0.5)], () => 0.5 * size), layer: 'fine', value: -0.12 * density });
  });
  structures.push(bone(ellipse(at(s1, s1.spec.height * 0.45, s1.spec.depth * 0.3), s1.spec.depth * 0.35, s1.spec.height * 0.55, 0.2, 24), 0.25, 0.4, 1.5, 0.4));
}

/** Iliac wings over L5/S1, two sides offset; femoral heads low and anterior. */
function pelvis(s: Sketch, vb: readonly BuiltVertebra[]): void {
  const { rng, size, density, structures, bone } = s;
  const s1 = vb[S1]!;
  for (let side = 0; side < 2; side++) {
    const shift = side * rng.range(3, 18);
    const crestTop = at(vb[L5 - 1]!, vb[L5 - 1]!.spec.height * rng.range(0.2, 1.2) + shift, s1.spec.depth * rng.range(0.0, 0.5));
    const psis = at(s1, s1.spec.height * 0.8 + shift, -s1.spec.depth * rng.range(0.8, 1.2));
    const asis = at(s1, -s1.spec.height * 0.2 + shift, s1.spec.depth * rng.range(2.0, 2.6));
    const acetabulum = at(vb[S1 + 2]!, 20 + shift, s1.spec.depth * rng.range(1.3, 1.8));
    const notch = at(vb[S1 + 2]!, shift, s1.spec.depth * 0.2);
    const crest = bezier(psis, crestTop, asis, 14);
    const wing: Polygon = [
      ...crest,
      ...bezier(asis, lerp(asis, acetabulum, 0.5), acetabulum, 4).slice(1),
      ...bezier(acetabulum, lerp(notch, acetabulum, 0.3), notch, 4).slice(1),
    ];
    // The wing is a thin plate seen face-on: faint, but its crest and the sciatic notch are seen edge-on.
    structures.push({ outline: chaikin(wing, 3), layer: 'fine', value: 0.07 * density, mottle: { amplitude: 0.3, scaleMm: 4 } });
    structures.push({ outline: band(crest.slice(1, -1), (t) => (1.2 + 1.5 * Math.sin(Math.PI * t)) * size), layer: 'fine', value: 0.3 * density });
    structures.push({ outline: band(bezier(acetabulum, lerp(notch, acetabulum, 0.3), notch, 6), () => 1.2 * size), layer: 'fine', value: 0.22 * density });
    const head = at(vb[S1 + 3]!, 25 + shift * 2, s1.spec.depth * rng.range(1.3, 1.9));
    structures.push(bone(ellipse(head, 23 * size, 23 * size, 0, 32), 0.25, 0.4, 2.5, 0.5));
  }
}

/** Ribs of `bodies`: tubular, faint, sweeping forward and down (T10–T12's over T12–L2); the floating rib (T12's) is short. */
function ribs(s: Sketch, bodies: readonly BuiltVertebra[], floating?: BuiltVertebra): void {
  const { rng, size, structures, bone } = s;
  for (const v of bodies) {
    for (let side = 0; side < 2; side++) {
      const start = at(v, v.spec.height * 0.3 + side * rng.range(2, 10), -v.spec.depth * 0.3);
      const reach = v === floating ? rng.range(0.5, 1.0) : rng.range(0.9, 1.8);
      const mid = at(v, v.spec.height * (0.6 + reach * 0.5), v.spec.depth * reach * 0.5);
      const end = at(v, v.spec.height * (1.0 + reach * 1.3), v.spec.depth * reach * 1.3);
      structures.push(
        bone(
          chaikin(
            band(bezier(start, mid, end, 12), (t) => (4.5 - 2 * t) * size),
            1,
          ),
          0.1,
          0.25,
          1.2,
          0.2,
        ),
      );
    }
  }
}

/** Abdomen and back soft tissue, lung bases at the top. */
function trunk(s: Sketch, vb: readonly BuiltVertebra[]): void {
  const { rng, size, structures } = s;
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
  if (rng.chance(0.5)) {
    const dome = at(top, rng.range(-60, 0), top.spec.depth * 0.5);
    structures.push({ outline: ellipse(dome, 150 * size, 50 * size, rng.range(-0.2, 0.2), 28), layer: 'coarse', value: -rng.range(0.3, 0.8) });
  }
}

/** Bowel gas in front of the spine: loose bubbles plus a colon segment or two with haustral pockets, mottled with stool. */
function bowelGas(s: Sketch, vb: readonly BuiltVertebra[]): void {
  const { rng, size, structures } = s;
  const bubble = (c: Point, r: number) =>
    structures.push({
      outline: blob(rng, c, r, r * rng.range(0.45, 1), 0.45),
      layer: 'fine',
      value: -rng.range(0.04, 0.16),
      mottle: { amplitude: 0.6, scaleMm: rng.range(3, 8) },
    });
  const loose = rng.int(2, 14);
  for (let i = 0; i < loose; i++) {
    const v = vb[rng.int(L1, S1 + 1)]!;
    bubble(at(v, rng.range(-10, 30), v.spec.depth * rng.range(0.3, 3.5)), rng.range(4, 18) * size);
  }
  const colons = rng.int(0, 2);
  for (let c = 0; c < colons; c++) {
    const a = vb[rng.int(L1, L5)]!;
    const b = vb[rng.int(L1, S1)]!;
    const path = bezier(
      at(a, 0, a.spec.depth * rng.range(0.5, 3)),
      at(a, rng.range(20, 80), a.spec.depth * rng.range(1, 4)),
      at(b, rng.range(0, 40), b.spec.depth * rng.range(0.5, 3)),
      10,
    );
    for (const p of path) bubble(p, rng.range(6, 14) * size);
  }
}

/** Thin bright streaks of a calcified aortic wall in front of L2–L5, likelier with age. */
function calcifiedAorta(s: Sketch, vb: readonly BuiltVertebra[], age: number): void {
  const { rng, structures } = s;
  if (rng.chance(0.25 + 0.4 * age)) {
    for (let k = L1 + 1; k <= L5; k++) {
      if (!rng.chance(0.5)) continue;
      const v = vb[k]!;
      const p0 = at(v, rng.range(0, 10), v.spec.depth + rng.range(8, 20));
      structures.push({ outline: band([p0, at(v, rng.range(12, 30), v.spec.depth + rng.range(8, 20))], () => 0.6), layer: 'fine', value: 0.9 });
    }
  }
}

/** Posterior fusion: pedicle screws over one or two levels joined by a rod, sometimes cages in the discs. */
function pedicleFusion(s: Sketch, column: BuiltColumn): void {
  const { rng, size, structures } = s;
  const vb = column.vertebrae;
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
