import { add, rotate, scale, type Point, type Polygon } from '../geometry.js';
import type { BuiltColumn, BuiltVertebra } from './column.js';

/** A point given in a vertebra's own frame: mm caudal from its superior-posterior corner, mm anterior. */
export function at(vertebra: BuiltVertebra, along: number, anterior: number): Point {
  return add(vertebra.superiorPosterior, add(scale(vertebra.u, along), scale(vertebra.v, anterior)));
}

export function polyAt(vertebra: BuiltVertebra, points: Array<[number, number]>): Polygon {
  return points.map(([along, anterior]) => at(vertebra, along, anterior));
}

export function bodyCenter(vertebra: BuiltVertebra): Point {
  const { superiorAnterior: a, superiorPosterior: b, inferiorAnterior: c, inferiorPosterior: d } = vertebra;
  return { x: (a.x + b.x + c.x + d.x) / 4, y: (a.y + b.y + c.y + d.y) / 4 };
}

/** Rotates the whole column about the origin. */
export function rotateColumn(column: BuiltColumn, angle: number): BuiltColumn {
  const r = (p: Point): Point => rotate(p, angle);
  return {
    vertebrae: column.vertebrae.map((vb) => ({
      ...vb,
      superiorPosterior: r(vb.superiorPosterior),
      superiorAnterior: r(vb.superiorAnterior),
      inferiorAnterior: r(vb.inferiorAnterior),
      inferiorPosterior: r(vb.inferiorPosterior),
      u: r(vb.u),
      v: r(vb.v),
      outline: vb.outline.map(r),
      superiorEndplate: vb.superiorEndplate.map(r),
      inferiorEndplate: vb.inferiorEndplate.map(r),
    })),
    discs: column.discs.map((d) => d.map(r)),
  };
}

/** Turns the column so that the chord from `top` to `bottom` body centres points straight down. */
export function uprightColumn(column: BuiltColumn, top: number, bottom: number): BuiltColumn {
  const a = bodyCenter(column.vertebrae[top]!);
  const b = bodyCenter(column.vertebrae[bottom]!);
  const angle = Math.atan2(b.x - a.x, b.y - a.y);
  return rotateColumn(column, angle);
}
