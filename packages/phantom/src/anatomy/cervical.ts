import { band, bezier, chaikin, ellipse, lerp, type Point, type Polygon } from '../geometry.js';
import type { Rng } from '../prng.js';
import type { Scene } from '../scene.js';
import { buildColumn, type BuiltColumn, type BuiltVertebra } from './column.js';
import { at, polyAt, uprightColumn } from './frame.js';
import { blob, bodyStructures, bridgeLevels, cage, posteriorElements, rod, sketch, type Sketch } from './parts.js';
import { patientLevels, spreadLordosis, type BaseLevel } from './specs.js';
import { DEFAULT_ANATOMY, withContext, type AnatomyVariation } from './variation.js';

const CERVICAL: BaseLevel[] = [
  { level: 'C2', labelled: true, height: 16, depth: 15.5, disc: 4.5, discAngle: 0, wedge: 0 },
  { level: 'C3', labelled: true, height: 13, depth: 16, disc: 5, discAngle: 0, wedge: 0 },
  { level: 'C4', labelled: true, height: 13, depth: 16.5, disc: 5.5, discAngle: 0, wedge: 0 },
  { level: 'C5', labelled: true, height: 13, depth: 17, disc: 5.5, discAngle: 0, wedge: 0 },
  { level: 'C6', labelled: true, height: 13.5, depth: 17.5, disc: 5.5, discAngle: 0, wedge: 0 },
  { level: 'C7', labelled: true, height: 14.5, depth: 17, disc: 4.5, discAngle: -2, wedge: 1 },
  { level: 'T1', labelled: true, height: 17, depth: 17.5, disc: 3.5, discAngle: -3, wedge: 3 },
  { level: 'T2', labelled: false, height: 18, depth: 18, disc: 3.5, discAngle: -3, wedge: 3 },
  { level: 'T3', labelled: false, height: 19, depth: 19, disc: 0, discAngle: 0, wedge: 3 },
];

export interface SceneOptions {
  ankylosing: boolean;
  implants: boolean;
  /** Anatomy beyond the generator's own ranges (`--anatomy random`); identity when absent. */
  variation?: AnatomyVariation;
}

/**
 * Capsule-like outline rising by `height` from C2's upper endplate, for the dens: its base 1 mm inside
 * the body (joined to it), or at `base` (negative: above the endplate, apart from it).
 */
function dens(c2: BuiltVertebra, center: number, width: number, height: number, lean: number, base = 1.0): Polygon {
  const pts: Array<[number, number]> = [
    [base, center - width / 2],
    [-height + width / 2, center - width / 2 + lean],
  ];
  for (let i = 1; i < 8; i++) {
    const t = Math.PI - (Math.PI * i) / 8;
    pts.push([-height + width / 2 - Math.sin(t) * width * 0.55, center + lean + Math.cos(t) * (width / 2)]);
  }
  pts.push([-height + width / 2, center + width / 2 + lean], [base, center + width / 2]);
  return polyAt(c2, pts);
}

export function cervicalScene(rng: Rng, o: SceneOptions): Scene {
  const v = o.variation ?? DEFAULT_ANATOMY;
  const size = rng.gauss(1, 0.08, 0.8, 1.2) * v.size;
  const column = cervicalColumn(rng, size, o.ankylosing, v);
  const vb = column.vertebrae;
  const s = sketch(rng, size, rng.gauss(1, 0.15, 0.6, 1.3) * (o.ankylosing ? 0.85 : 1) * v.density, 0.8);
  vertebrae(s, column, v.cortex);
  const atlas = v.atlasBody && v.rng ? atlasDraw(v.rng.fork('atlas')) : undefined;
  const densApart = v.densApart && v.rng ? densApartDraw(v.rng.fork('dens')) : undefined;
  const skull = skullBase(s, vb[0]!, atlas, densApart);
  const jawDrop = withContext(s.structures, v, 'mandible', () => mandible(s, skull, vb[2]!));
  withContext(s.structures, v, 'airway', () => airway(s, skull, vb));
  const head = neckAndHead(s, skull, jawDrop, vb);
  withContext(s.structures, v, 'shoulders', () => shoulders(s, vb));
  if (o.ankylosing) {
    const start = rng.int(0, 4);
    const count = rng.int(1, 6);
    bridgeLevels(s, vb, start, Math.min(vb.length - 1, start + count));
  }
  if (o.implants) anteriorPlate(s, column);

  return {
    view: 'cervical',
    structures: s.structures,
    bodies: [
      ...(skull.atlasOutline ? [{ level: 'C1', labelled: false, outline: skull.atlasOutline }] : []),
      // Not the atlas, but the place above C2 that a chain may run into and the count leaves unlabelled.
      ...(skull.densOutline ? [{ level: 'C1', labelled: false, outline: skull.densOutline }] : []),
      ...vb.map((v) => ({ level: v.spec.level, labelled: v.spec.labelled, outline: v.outline })),
    ],
    marginAbove: [30, 90],
    marginBelow: [5, 45],
    ankylosing: o.ankylosing,
    implants: o.implants,
    head,
  };
}

/** The patient's C2–T3, upright between C2 and C7. */
function cervicalColumn(rng: Rng, size: number, ankylosing: boolean, variation: AnatomyVariation): BuiltColumn {
  const age = rng.next() ** 0.8;
  const specs = patientLevels(rng, CERVICAL, { size, age, spurMax: 2.5, squared: ankylosing, concavity: 0.6, variation });
  specs[0]!.superiorConcavity = 0;
  specs[0]!.spurs.inferiorAnterior = [Math.min(1.6, 0.35 * (specs[0]!.discBelow + 2)), rng.range(0.3, 1.2)];
  spreadLordosis(rng, specs, [0, 1, 2, 3, 4], [1, 1, 1, 1, 1], rng.gauss(20, 13, -18, 45) * variation.lordosis);
  return uprightColumn(buildColumn(specs), 0, 5);
}

/** Bodies, discs and posterior elements (C2's stouter than the rest, C7 and below with long spinous processes). */
function vertebrae(s: Sketch, column: BuiltColumn, cortexFactor: number): void {
  const { rng, size, density, structures } = s;
  const vb = column.vertebrae;
  const look = {
    trabecular: 0.5 * density,
    cortex: 0.75 * density * cortexFactor,
    cortexMm: 0.7 * size,
    endplate: 0.3 * density * cortexFactor,
    endplateMm: 0.9 * size,
    texture: 0.6,
  };
  for (const v of vb) structures.push(...bodyStructures(v, look));
  for (const disc of column.discs) structures.push({ outline: disc, layer: 'fine', value: 0.05 });
  vb.forEach((v, k) => {
    const d = v.spec.depth;
    const c2Like = k === 0;
    const long = v.spec.level === 'C7' || v.spec.level.startsWith('T');
    structures.push(
      ...posteriorElements(v, {
        pedicleLength: d * (c2Like ? 0.5 : 0.38),
        massWidth: d * (c2Like ? 0.75 : rng.range(0.55, 0.7)),
        massSlant: 0.22,
        spinousLength: d * (c2Like ? rng.range(1.1, 1.4) : long ? rng.range(1.4, 1.9) : rng.range(0.7, 1.1)),
        spinousWidth: d * (c2Like ? 0.55 : 0.3),
        spinousDrop: v.spec.height * (long ? 0.9 : 0.5),
        value: 0.3 * density,
        cortex: 0.45 * density,
      }),
    );
  });
}

/** Where the head sits on C2: the dens, and a frame for points on the skull that flexes with the head. */
interface Skull {
  c2: BuiltVertebra;
  /** Dens height (mm). */
  denH: number;
  denCenter: number;
  vaultCenter: Point;
  /** A point `along` mm caudal of the dens tip and `anterior` mm in front, turned by the head's flexion. */
  sk: (along: number, anterior: number) => Point;
  /** The atlas's lateral masses where they are drawn as a body (an unlabelled body of the truth, C1). */
  atlasOutline?: Polygon;
  /** The dens where it stands apart from C2 (an unlabelled body of the truth, at the place above C2). */
  densOutline?: Polygon;
}

/** How a body-like atlas is drawn: its lateral masses' brightness, cortex, extent and gap above C2. */
interface AtlasDraw {
  value: number;
  cortex: number;
  /** How far the block reaches in front of and behind the dens (mm at size 1). */
  front: number;
  back: number;
  /** Its top and bottom above C2's upper endplate, as fractions of the dens height. */
  top: number;
  gap: number;
}

function atlasDraw(rng: Rng): AtlasDraw {
  return {
    value: rng.range(0.5, 0.8),
    cortex: rng.range(0.8, 1.2),
    front: rng.range(1, 4),
    back: rng.range(7, 11),
    top: rng.range(0.85, 1),
    gap: rng.range(0.1, 0.2),
  };
}

/** How a dens apart from C2 is drawn: the lucent gap under it, its brightness and its own cortex. */
interface DensApart {
  /** Gap between C2's upper endplate and the dens's base (mm at size 1). */
  gap: number;
  value: number;
  cortex: number;
}

function densApartDraw(rng: Rng): DensApart {
  return { gap: rng.range(0.8, 2.5), value: rng.range(0.5, 0.8), cortex: rng.range(1.2, 1.8) };
}

/** Widening band half-width, w0 to w1 mm (at size 1) along a path. */
const taper = (size: number, w0: number, w1: number) => (t: number) => (w0 + (w1 - w0) * t) * size;

/** Dens, atlas and skull base: drawn, never labelled (the atlas's lateral masses denser and body-like with `atlas`). */
function skullBase(s: Sketch, c2: BuiltVertebra, atlas?: AtlasDraw, apart?: DensApart): Skull {
  const { rng, size, density, structures, bone } = s;
  const d2 = c2.spec.depth;
  const denH = rng.range(13, 17) * size;
  const denCenter = d2 * 0.55;
  const denW = d2 * 0.42;
  const lean = rng.range(-1.5, 1);
  const densOutline = apart ? dens(c2, denCenter, denW, denH, lean, -apart.gap * size) : undefined;
  structures.push(apart && densOutline ? bone(densOutline, apart.value, apart.cortex, 1.0) : bone(dens(c2, denCenter, denW, denH, lean), 0.55, 1.2));
  const archAlong = -denH * 0.6;
  structures.push(
    bone(ellipse(at(c2, archAlong, denCenter + denW / 2 + 2 + 3.5 * size), 3.3 * size, 5.5 * size, Math.atan2(c2.v.y, c2.v.x), 18), 0.6, 1.3, 0.9),
  );
  // The lateral masses, seen through the dens; with `atlas`, a denser block apart from C2 that reads as a body.
  const masses = atlas
    ? polyAt(c2, [
        [-denH * atlas.top, denCenter - denW / 2 - atlas.back * size],
        [-denH * atlas.top, denCenter + denW / 2 + atlas.front * size],
        [-denH * atlas.gap, denCenter + denW / 2 + (atlas.front - 1) * size],
        [-denH * atlas.gap, denCenter - denW / 2 - (atlas.back + 1) * size],
      ])
    : polyAt(c2, [
        [-denH * 0.95, denCenter - denW / 2 - 5],
        [-denH * 0.95, denCenter + denW / 2 + 1],
        [-denH * 0.1, denCenter + denW / 2],
        [-denH * 0.15, denCenter - denW / 2 - 6],
      ]);
  const atlasOutline = atlas ? chaikin(masses, 2) : undefined;
  structures.push(atlas && atlasOutline ? bone(atlasOutline, atlas.value, atlas.cortex, 1.0, 0.6) : bone(masses, 0.35, 0.6, 1.2, 0.4));
  const posteriorArch = bezier(at(c2, -denH * 0.45, denCenter - denW / 2 - 6), at(c2, -denH * 0.7, -25 * size), at(c2, -denH * 0.45, -40 * size), 10);
  structures.push(
    bone(
      band(posteriorArch, (t) => (2.4 + 1.2 * t) * size),
      0.5,
      1.2,
      0.8,
    ),
  );
  structures.push(bone(ellipse(at(c2, -denH * 0.45, -42 * size), 4.5 * size, 6 * size, 0, 14), 0.5, 1.2));

  const flex = rng.range(-8, 8);
  const sk = (along: number, anterior: number) => at(c2, -denH + along + flex * (anterior / 40), anterior);
  // Occipital bone and vault (irregular, thick), mastoid, clivus, hard palate, maxilla.
  structures.push(bone(chaikin(band(bezier(sk(-10, -24 * size), sk(-30, -80 * size), sk(-95, -105 * size), 12), taper(size, 3.5, 6)), 1), 0.7, 1.1, 1.5));
  const vaultCenter = sk(-100 * size, 15 * size);
  const vault = ellipse(vaultCenter, 100 * size, 82 * size, 0.1, 24).map((p, i) => lerp(vaultCenter, p, 1 + 0.04 * Math.sin(i * 1.7 + flex)));
  structures.push(bone(chaikin(vault, 2), 0.3, 0.8, rng.range(4, 8) * size, 0.3));
  structures.push({
    outline: blob(rng, sk(-16, -8 * size), 15 * size, 11 * size, 0.25),
    layer: 'fine',
    value: 0.5 * density,
    mottle: { amplitude: 0.5, scaleMm: 2.5 },
  });
  structures.push(bone(chaikin(band(bezier(sk(-6, denCenter), sk(-20, denCenter + 8), sk(-36, denCenter + 22), 8), taper(size, 3, 6)), 1), 0.45, 0.7, 1.2));
  structures.push(bone(chaikin(band(bezier(sk(-22, 20 * size), sk(-25, 50 * size), sk(-24, 88 * size), 8), taper(size, 2.5, 3.5)), 1), 0.6, 0.9, 1));
  structures.push({
    outline: blob(rng, sk(-45, 62 * size), 26 * size, 20 * size, 0.3),
    layer: 'fine',
    value: 0.12 * density,
    mottle: { amplitude: 0.4, scaleMm: 5 },
  });
  return { c2, denH, denCenter, vaultCenter, sk, ...(atlasOutline ? { atlasOutline } : {}), ...(densOutline ? { densOutline } : {}) };
}

/** Mandible, teeth and hyoid (in front of `hyoid`); returns how far the jaw drops below the dens (mm). */
function mandible(s: Sketch, skull: Skull, hyoid: BuiltVertebra): number {
  const { rng, size, density, structures, bone } = s;
  const { denH, sk } = skull;
  // Mandible: ramus down to the angle near C2/C3, body forward to the chin; teeth very dense.
  const jawDrop = rng.range(5, 32) * size;
  const angle = sk(denH + jawDrop, rng.range(14, 26) * size);
  const ramus = bezier(sk(-28, 14 * size), sk(denH * 0.5, 12 * size), angle, 8);
  structures.push(bone(chaikin(band(ramus, taper(size, 4, 7)), 1), 0.45, 1.2, 1.8));
  const chin = sk(denH + jawDrop + rng.range(5, 15), 88 * size);
  structures.push(bone(chaikin(band(bezier(angle, sk(denH + jawDrop + 12, 45 * size), chin, 10), taper(size, 5, 9)), 1), 0.45, 1.1, 1.8));
  // Dental arches: overlapping crowns and roots make a dense, mottled band above and below the bite.
  const bite = denH + jawDrop * 0.55 - 14;
  const arch = (along: number, sign: number) =>
    band(bezier(sk(along, 36 * size), sk(along + sign * 3, 60 * size), sk(along - sign * 2, 84 * size), 8), (t) => (5.5 - 1.5 * t) * size);
  for (const [along, sign] of [
    [bite + 6 * size, 1],
    [bite - 6 * size, -1],
  ] as const) {
    structures.push({ outline: chaikin(arch(along, sign), 1), layer: 'fine', value: 1.3 * density, mottle: { amplitude: 0.35, scaleMm: 3 } });
  }
  structures.push(bone(ellipse(at(hyoid, hyoid.spec.height * 0.6, hyoid.spec.depth + rng.range(22, 32) * size), 7 * size, 3 * size, 0.3, 14), 0.5, 1.0, 0.7));
  return jawDrop;
}

/** Airway: pharynx in front of C2–C4, larynx and trachea lower down (air lowers attenuation). */
function airway(s: Sketch, skull: Skull, vb: readonly BuiltVertebra[]): void {
  const { rng, size, structures } = s;
  const { c2, denH } = skull;
  const d2 = c2.spec.depth;
  const prevertebral = [4, 4.5, 6, 12, 14, 15, 16, 17, 18];
  const airway = [at(c2, -denH - 10, d2 + 8 * size)];
  vb.forEach((v, k) => airway.push(at(v, v.spec.height / 2, v.spec.depth + (prevertebral[k]! + 5) * size)));
  const airWidth = rng.range(4, 7) * size;
  const air = -rng.range(0.12, 0.3);
  // Two nested bands: the airway edge is gradual, its width varies along the neck.
  structures.push({
    outline: chaikin(
      band(airway, (t) => airWidth * (1.1 + 0.3 * Math.sin(7 * t))),
      1,
    ),
    layer: 'fine',
    value: air * 0.5,
  });
  structures.push({
    outline: chaikin(
      band(airway, (t) => airWidth * (0.7 + 0.25 * Math.sin(5 * t + 1))),
      1,
    ),
    layer: 'fine',
    value: air * 0.5,
  });
}

/** Neck and head soft tissue (coarse layer: smooth thickness edges); returns the head's outline (no draws of its own). */
function neckAndHead(s: Sketch, skull: Skull, jawDrop: number, vb: readonly BuiltVertebra[]): Polygon {
  const { rng, size, structures } = s;
  const { denH, sk, vaultCenter } = skull;
  const c4 = vb[2]!;
  const t3 = vb[vb.length - 1]!;
  const front = rng.range(45, 70) * size;
  const back = rng.range(70, 100) * size;
  const neck: Polygon = [
    sk(denH + jawDrop + 20, 80 * size),
    at(c4, 10, c4.spec.depth + front),
    at(t3, 60, t3.spec.depth + front + 30),
    at(t3, 160, t3.spec.depth + front + 60),
    at(t3, 160, -back - 60),
    at(t3, 40, -back - 20),
    at(c4, 0, -back),
    sk(-40, -back - 20),
  ];
  structures.push({ outline: neck, layer: 'coarse', value: rng.range(1.0, 1.6) });
  structures.push({ outline: ellipse(vaultCenter, 112 * size, 96 * size, 0.1, 40), layer: 'coarse', value: 0.9 });
  structures.push({ outline: blob(rng, sk(-5, 60 * size), 50 * size, 55 * size, 0.15), layer: 'coarse', value: 0.9 });
  structures.push({ outline: blob(rng, sk(denH + jawDrop * 0.5, 60 * size), 40 * size, 30 * size), layer: 'coarse', value: 0.5 });
  return [...ellipse(vaultCenter, 112 * size, 96 * size, 0.1, 40), ...ellipse(sk(-5, 60 * size), 50 * size, 55 * size, 0, 16), neck[0]!];
}

/** Shoulders: soft tissue mass plus humeral heads and clavicles, sometimes hiding C6–T1 heavily. */
function shoulders(s: Sketch, vb: readonly BuiltVertebra[]): void {
  const { rng, size, structures, bone } = s;
  const heavy = rng.chance(0.3);
  const topIndex = heavy ? rng.int(3, 5) : rng.int(4, 7);
  const topVb = vb[Math.min(topIndex, vb.length - 1)]!;
  for (let side = 0; side < 2; side++) {
    const top = rng.range(-5, 10) + side * rng.range(5, 25);
    const rx = rng.range(70, 95) * size;
    const ry = rng.range(65, 90) * size;
    const center = at(topVb, top + ry, rng.range(-30, 20));
    structures.push({ outline: ellipse(center, rx, ry, rng.range(-0.3, 0.3), 36), layer: 'coarse', value: heavy ? rng.range(2.2, 3.4) : rng.range(1.0, 2.0) });
    structures.push(bone(ellipse(at(topVb, top + 28, rng.range(-20, 25)), 23 * size, 23 * size, 0, 28), 0.3, 0.45, 2));
    const clavicle = bezier(at(topVb, top + 8, 70 * size), at(topVb, top + 20, 10), at(topVb, top + 12 + rng.range(0, 25), -60 * size), 10);
    structures.push(
      bone(
        chaikin(
          band(clavicle, (t) => (3.5 + 2 * Math.abs(t - 0.5)) * size),
          1,
        ),
        0.22,
        0.45,
        1.3,
      ),
    );
  }
}

/** Anterior cervical fusion: a plate over one or two levels, a screw in each body, cages in the discs. */
function anteriorPlate(s: Sketch, column: BuiltColumn): void {
  const { rng, structures } = s;
  const vb = column.vertebrae;
  const first = rng.int(1, 4);
  const levels = rng.int(1, 2);
  const metal = rng.range(6, 9);
  const plate = [];
  for (let k = first; k <= first + levels && k < vb.length; k++) {
    const v = vb[k]!;
    plate.push(at(v, v.spec.height * 0.5, v.spec.depth + 1.5));
    structures.push(
      rod(
        polyAt(v, [
          [v.spec.height * 0.45, v.spec.depth + 1],
          [v.spec.height * 0.4, v.spec.depth * 0.25],
        ]),
        1.6,
        metal,
      ),
    );
    if (k < first + levels) structures.push(cage(column.discs[k]!, 0.7, metal));
  }
  structures.push(rod(plate, 1.3, metal));
}
