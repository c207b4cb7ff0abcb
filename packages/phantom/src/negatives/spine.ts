import { add, ellipse, type Point, type Polygon } from '../geometry.js';
import { buildColumn, type BuiltColumn, type BuiltVertebra } from '../anatomy/column.js';
import { at, bodyCenter, uprightColumn } from '../anatomy/frame.js';
import { bodyStructures, type Sketch } from '../anatomy/parts.js';
import { patientLevels, type BaseLevel } from '../anatomy/specs.js';
import type { Rng } from '../prng.js';
import type { Structure } from '../scene.js';

/**
 * A column seen from any angle about its long axis: `phi` 0 is lateral, π/2 frontal (AP). Each body is
 * an elliptic cylinder `depth` deep and `depth · widthRatio` wide; the projected width replaces the depth
 * in the lateral phantom's column builder, so bodies keep its endplates, concavities and texture.
 */
export interface ViewColumn {
  column: BuiltColumn;
  phi: number;
  /** Per vertebra: true anteroposterior depth and lateral width (mm). */
  depth: number[];
  width: number[];
}

export interface ViewColumnOptions {
  size: number;
  phi: number;
  widthRatio: number;
  /** Scoliosis seen frontally, degrees spread over the discs. */
  scoliosis: number;
}

export function viewColumn(rng: Rng, base: readonly BaseLevel[], o: ViewColumnOptions): ViewColumn {
  const specs = patientLevels(rng, base, { size: o.size, age: rng.next(), spurMax: 3, squared: false, concavity: 0.6 });
  const c = Math.cos(o.phi);
  const s = Math.sin(o.phi);
  const depth = specs.map((spec) => spec.depth);
  const width = specs.map((spec) => spec.depth * o.widthRatio * rng.gauss(1, 0.04, 0.9, 1.1));
  specs.forEach((spec, k) => {
    spec.depth = Math.hypot(depth[k]! * c, width[k]! * s);
    // Lordosis and wedging are seen in the lateral component only; a scoliotic curve in the frontal one.
    spec.discAngle = spec.discAngle * c + ((o.scoliosis * Math.sin((Math.PI * k) / specs.length)) / specs.length) * s * (Math.PI / 180);
    spec.wedge *= c;
    spec.anteriorConcavity *= c;
    spec.posteriorConcavity *= c;
    spec.spurs = {};
  });
  return { column: uprightColumn(buildColumn(specs), 0, specs.length - 1), phi: o.phi, depth, width };
}

/** A part of a vertebra as an axis-aligned ellipsoid: lateral l, anterior a (from the body's axis), `along` from its top. */
export interface Part {
  l: number;
  a: number;
  along: number;
  rl: number;
  ra: number;
  rs: number;
}

/** The projected outline of a part of vertebra k. */
export function partOutline(vc: ViewColumn, k: number, p: Part): Polygon {
  const vb = vc.column.vertebrae[k]!;
  const c = Math.cos(vc.phi);
  const s = Math.sin(vc.phi);
  const x = vb.spec.depth / 2 + p.a * c + p.l * s;
  const rx = Math.max(0.5, Math.hypot(p.ra * c, p.rl * s));
  return ellipse(at(vb, p.along, x), rx, p.rs, Math.atan2(vb.v.y, vb.v.x), 24);
}

/** Posterior elements of a lumbar-like (or thoracic) vertebra, both sides: the parts the Scottie dog is made of. */
export function lumbarParts(d: number, w: number, h: number, transverse = 1): Array<[Part, number]> {
  const parts: Array<[Part, number]> = [];
  for (const side of [-1, 1]) {
    parts.push([{ l: side * 0.32 * w, a: -0.62 * d, along: 0.32 * h, rl: 0.1 * w, ra: 0.22 * d, rs: 0.25 * h }, 1.0]); // pedicle
    parts.push([{ l: side * 0.68 * w * transverse, a: -0.6 * d, along: 0.38 * h, rl: 0.3 * w * transverse, ra: 0.08 * d, rs: 0.11 * h }, 0.8]); // transverse
    parts.push([{ l: side * 0.3 * w, a: -0.82 * d, along: -0.02 * h, rl: 0.08 * w, ra: 0.14 * d, rs: 0.2 * h }, 0.9]); // superior articular
    parts.push([{ l: side * 0.28 * w, a: -0.8 * d, along: 0.55 * h, rl: 0.07 * w, ra: 0.1 * d, rs: 0.16 * h }, 0.9]); // pars
    parts.push([{ l: side * 0.22 * w, a: -0.9 * d, along: 0.98 * h, rl: 0.08 * w, ra: 0.12 * d, rs: 0.2 * h }, 0.9]); // inferior articular
    parts.push([{ l: side * 0.14 * w, a: -1.0 * d, along: 0.55 * h, rl: 0.14 * w, ra: 0.1 * d, rs: 0.32 * h }, 0.7]); // lamina
  }
  parts.push([{ l: 0, a: -1.35 * d, along: 0.7 * h, rl: 0.05 * w, ra: 0.42 * d, rs: 0.24 * h }, 0.8]); // spinous
  return parts;
}

/** Bodies and discs of a view column with the lateral phantom's body look, density-scaled. */
export function drawBodies(s: Sketch, vc: ViewColumn, value = 1): void {
  const { density, size, structures } = s;
  const look = {
    trabecular: 0.55 * density * value,
    cortex: 0.8 * density * value,
    cortexMm: 1.0 * size,
    endplate: 0.35 * density * value,
    endplateMm: 1.3 * size,
    texture: 0.6,
  };
  for (const v of vc.column.vertebrae) structures.push(...bodyStructures(v, look));
  vc.column.discs.forEach((disc) => structures.push({ outline: disc, layer: 'fine', value: 0.06 * value }));
}

/** Posterior elements of every vertebra from a part list, as bone with a bright rim. */
export function drawParts(s: Sketch, vc: ViewColumn, parts: (d: number, w: number, h: number) => Array<[Part, number]>, value = 1): void {
  vc.column.vertebrae.forEach((vb, k) => {
    for (const [part, share] of parts(vc.depth[k]!, vc.width[k]!, vb.spec.height)) {
      s.structures.push(s.bone(partOutline(vc, k, part), 0.2 * share * value, 0.42 * share * value, 1.0, 0.5));
    }
  });
}

export function centers(vc: ViewColumn): Point[] {
  return vc.column.vertebrae.map(bodyCenter);
}

/** A point `lateral` mm across (frontal views) and `along` mm down from body k's centre. */
export function beside(vb: BuiltVertebra, along: number, lateral: number): Point {
  return add(bodyCenter(vb), add({ x: vb.u.x * along, y: vb.u.y * along }, { x: vb.v.x * lateral, y: vb.v.y * lateral }));
}

/** Soft tissue as one coarse structure. */
export function soft(outline: Polygon, value: number): Structure {
  return { outline, layer: 'coarse', value };
}
