import type { Level } from '@vertxnet/core';
import { add, chaikin, lerp, normalize, scale, sub, type Point, type Polygon } from '../geometry.js';
import type { Rng } from '../prng.js';

/** Shape of one vertebra and of the disc below it, in mm and radians. */
export interface LevelSpec {
  level: Level;
  labelled: boolean;
  height: number;
  depth: number;
  /** Positive: anterior shorter than posterior (kyphotic wedge). */
  wedge: number;
  /** Mean height of the disc below; 0 for the last one. */
  discBelow: number;
  /** Positive: disc taller anteriorly (lordotic). */
  discAngle: number;
  /** Anteroposterior slip of the next body, mm (listhesis). */
  slipBelow: number;
  superiorConcavity: number;
  inferiorConcavity: number;
  /** Anterior wall concavity in mm; negative bulges (squared bodies). */
  anteriorConcavity: number;
  posteriorConcavity: number;
  /** Spur vectors at the four corners, in (along, anterior) mm of the body frame. */
  spurs: Partial<Record<Corner, [number, number]>>;
  /** Chaikin passes rounding the outline's corners (2 when absent). */
  rounding?: number;
}

export type Corner = 'superiorAnterior' | 'superiorPosterior' | 'inferiorAnterior' | 'inferiorPosterior';

/** A built vertebra: corners and axes in world mm. */
export interface BuiltVertebra {
  spec: LevelSpec;
  superiorPosterior: Point;
  superiorAnterior: Point;
  inferiorAnterior: Point;
  inferiorPosterior: Point;
  /** Unit vector towards caudal, and towards anterior. */
  u: Point;
  v: Point;
  outline: Polygon;
  /** Endplate curves (superior: posterior → anterior; inferior: anterior → posterior), for bright endplate lines. */
  superiorEndplate: Polygon;
  inferiorEndplate: Polygon;
}

export interface BuiltColumn {
  vertebrae: BuiltVertebra[];
  /** Disc spaces between consecutive vertebrae (vertebrae.length − 1 of them). */
  discs: Polygon[];
}

const caudalOf = (v: Point): Point => ({ x: -v.y, y: v.x });

/** Stacks bodies and discs from the top: curvature comes from wedged bodies and discs, as in a real spine. */
export function buildColumn(specs: readonly LevelSpec[]): BuiltColumn {
  const vertebrae: BuiltVertebra[] = [];
  const discs: Polygon[] = [];
  let origin: Point = { x: 0, y: 0 };
  let v: Point = { x: 1, y: 0 };
  for (let k = 0; k < specs.length; k++) {
    const spec = specs[k]!;
    const u = caudalOf(v);
    const half = spec.depth / 2;
    const tanWedge = Math.tan(spec.wedge);
    const heightAnterior = Math.max(spec.height * 0.4, spec.height - half * tanWedge);
    const heightPosterior = Math.max(spec.height * 0.4, spec.height + half * tanWedge);
    const superiorPosterior = sub(origin, scale(v, half));
    const superiorAnterior = add(origin, scale(v, half));
    const inferiorAnterior = add(superiorAnterior, scale(u, heightAnterior));
    const inferiorPosterior = add(superiorPosterior, scale(u, heightPosterior));
    const built: BuiltVertebra = {
      spec,
      superiorPosterior,
      superiorAnterior,
      inferiorAnterior,
      inferiorPosterior,
      u,
      v,
      outline: [],
      superiorEndplate: [],
      inferiorEndplate: [],
    };
    built.outline = bodyOutline(built);
    built.superiorEndplate = endplate(superiorPosterior, superiorAnterior, u, spec.superiorConcavity);
    built.inferiorEndplate = endplate(inferiorAnterior, inferiorPosterior, scale(u, -1), spec.inferiorConcavity);
    vertebrae.push(built);
    const next = specs[k + 1];
    if (!next) break;
    const vEnd = normalize(sub(inferiorAnterior, inferiorPosterior));
    const uEnd = caudalOf(vEnd);
    const tanDisc = Math.tan(spec.discAngle);
    const discAnterior = Math.max(0.4, spec.discBelow + half * tanDisc);
    const discPosterior = Math.max(0.4, spec.discBelow - half * tanDisc);
    const nextAnterior = add(inferiorAnterior, scale(uEnd, discAnterior));
    const nextPosterior = add(inferiorPosterior, scale(uEnd, discPosterior));
    v = normalize(sub(nextAnterior, nextPosterior));
    origin = add(lerp(nextAnterior, nextPosterior, 0.5), scale(v, spec.slipBelow));
    const nextHalf = next.depth / 2;
    discs.push([inferiorPosterior, inferiorAnterior, add(origin, scale(v, nextHalf)), sub(origin, scale(v, nextHalf))]);
  }
  return { vertebrae, discs };
}

/** One side of the outline from a to b, bowed by `depth` mm along `inward` (sine profile). */
function side(a: Point, b: Point, inward: Point, depth: number, segments: number): Polygon {
  const out: Polygon = [];
  for (let i = 0; i < segments; i++) {
    const t = i / segments;
    out.push(add(lerp(a, b, t), scale(inward, depth * Math.sin(Math.PI * t) ** 1.3)));
  }
  return out;
}

/** The endplate curve without its rounded ends. */
function endplate(a: Point, b: Point, inward: Point, depth: number): Polygon {
  const out: Polygon = [];
  for (let i = 1; i < 12; i++) {
    const t = 0.04 + (0.92 * i) / 12;
    out.push(add(lerp(a, b, t), scale(inward, depth * Math.sin(Math.PI * t) ** 1.3)));
  }
  return out;
}

function spurred(vertebra: BuiltVertebra, corner: Corner, point: Point): Point {
  const spur = vertebra.spec.spurs[corner];
  if (!spur) return point;
  return add(point, add(scale(vertebra.u, spur[0]), scale(vertebra.v, spur[1])));
}

/** Body outline: endplates concave into the body, walls slightly concave, corners rounded. */
export function bodyOutline(vertebra: BuiltVertebra): Polygon {
  const { spec, u, v } = vertebra;
  const sp = spurred(vertebra, 'superiorPosterior', vertebra.superiorPosterior);
  const sa = spurred(vertebra, 'superiorAnterior', vertebra.superiorAnterior);
  const ia = spurred(vertebra, 'inferiorAnterior', vertebra.inferiorAnterior);
  const ip = spurred(vertebra, 'inferiorPosterior', vertebra.inferiorPosterior);
  const raw: Polygon = [
    ...side(sp, sa, u, spec.superiorConcavity, 8),
    ...side(sa, ia, scale(v, -1), spec.anteriorConcavity, 6),
    ...side(ia, ip, scale(u, -1), spec.inferiorConcavity, 8),
    ...side(ip, sp, v, spec.posteriorConcavity, 6),
  ];
  return chaikin(raw, spec.rounding ?? 2);
}

/** Random per-level shape variation shared by both views. */
export function varyShape(rng: Rng, base: { height: number; depth: number }, size: number): { height: number; depth: number } {
  return {
    height: base.height * size * rng.gauss(1, 0.06, 0.85, 1.15),
    depth: base.depth * size * rng.gauss(1, 0.05, 0.88, 1.12),
  };
}
