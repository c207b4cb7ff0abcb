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
  return mapColumn(column, r, r);
}

/**
 * Moves a column rigidly so that its vertebra `from` lies exactly on `onto` (a vertebra of the same
 * spec elsewhere): for stacking bodies built apart onto a column that is already placed.
 */
export function placeColumn(column: BuiltColumn, from: BuiltVertebra, onto: BuiltVertebra): BuiltColumn {
  const angle = Math.atan2(onto.u.y, onto.u.x) - Math.atan2(from.u.y, from.u.x);
  const origin = rotate(from.superiorPosterior, angle);
  const shift = { x: onto.superiorPosterior.x - origin.x, y: onto.superiorPosterior.y - origin.y };
  return mapColumn(
    column,
    (p) => add(rotate(p, angle), shift),
    (d) => rotate(d, angle),
  );
}

/** Every point of a column through `point`, every direction through `direction`. */
function mapColumn(column: BuiltColumn, point: (p: Point) => Point, direction: (d: Point) => Point): BuiltColumn {
  return {
    vertebrae: column.vertebrae.map((vb) => ({
      ...vb,
      superiorPosterior: point(vb.superiorPosterior),
      superiorAnterior: point(vb.superiorAnterior),
      inferiorAnterior: point(vb.inferiorAnterior),
      inferiorPosterior: point(vb.inferiorPosterior),
      u: direction(vb.u),
      v: direction(vb.v),
      outline: vb.outline.map(point),
      superiorEndplate: vb.superiorEndplate.map(point),
      inferiorEndplate: vb.inferiorEndplate.map(point),
    })),
    discs: column.discs.map((d) => d.map(point)),
  };
}

/** Turns the column so that the chord from `top` to `bottom` body centres points straight down. */
export function uprightColumn(column: BuiltColumn, top: number, bottom: number): BuiltColumn {
  const a = bodyCenter(column.vertebrae[top]!);
  const b = bodyCenter(column.vertebrae[bottom]!);
  const angle = Math.atan2(b.x - a.x, b.y - a.y);
  return rotateColumn(column, angle);
}
