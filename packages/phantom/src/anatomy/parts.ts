import { add, band, bezier, chaikin, ellipse, lerp, scale, sub, normalize, type Point, type Polygon } from '../geometry.js';
import type { Rng } from '../prng.js';
import type { Structure } from '../scene.js';
import type { BuiltVertebra } from './column.js';
import { at, polyAt } from './frame.js';

export interface PosteriorSpec {
  pedicleLength: number;
  massWidth: number;
  /** Backward slant of the articular mass (cervical facets face up and back). */
  massSlant: number;
  spinousLength: number;
  spinousWidth: number;
  spinousDrop: number;
  value: number;
  cortex: number;
}

/** Pedicle, articular mass with facet joints, lamina and spinous process, attached to the body. */
export function posteriorElements(vb: BuiltVertebra, p: PosteriorSpec): Structure[] {
  const h = vb.spec.height;
  const pl = p.pedicleLength;
  const mw = p.massWidth;
  const bone = { cortex: p.cortex, cortexMm: 0.9, texture: 0.5 };
  const pedicle = polyAt(vb, [
    [0.12 * h, 1.0],
    [0.55 * h, 1.0],
    [0.5 * h, -pl - 0.5],
    [0.18 * h, -pl - 0.5],
  ]);
  const s = p.massSlant * h;
  const mass = polyAt(vb, [
    [-0.3 * h, -pl + 0.5],
    [-0.3 * h + s, -pl - mw],
    [0.92 * h + s, -pl - mw],
    [0.92 * h, -pl + 0.5],
  ]);
  const base = -pl - mw * 0.6;
  const tipAnterior = -pl - mw - p.spinousLength;
  const tipAlong = 0.45 * h + p.spinousDrop;
  const spinous = polyAt(vb, [
    [0.1 * h, base],
    [tipAlong - p.spinousWidth / 2, tipAnterior],
    [tipAlong + p.spinousWidth / 2, tipAnterior],
    [0.85 * h, base],
  ]);
  const tip = ellipse(at(vb, tipAlong, tipAnterior), p.spinousWidth * 0.6, p.spinousWidth * 0.6, 0, 12);
  return [
    { outline: chaikin(pedicle, 1), layer: 'fine', value: p.value * 0.9, bone },
    { outline: chaikin(mass, 1), layer: 'fine', value: p.value * 1.1, bone },
    { outline: chaikin(spinous, 1), layer: 'fine', value: p.value * 0.8, bone },
    { outline: tip, layer: 'fine', value: p.value * 0.4, bone: { ...bone, cortexMm: 0.6 } },
  ];
}

/** Syndesmophyte: a thin bony bridge over the anterior (or posterior) disc margin, as in ankylosing spondylitis. */
export function syndesmophyte(rng: Rng, upper: BuiltVertebra, lower: BuiltVertebra, anterior: boolean, value: number): Structure {
  const start = anterior
    ? at(upper, upper.spec.height * (1 - rng.range(0.1, 0.3)), upper.spec.depth + 0.2)
    : at(upper, upper.spec.height * (1 - rng.range(0.1, 0.25)), -0.2);
  const end = anterior
    ? at(lower, lower.spec.height * rng.range(0.1, 0.3), lower.spec.depth + 0.2)
    : at(lower, lower.spec.height * rng.range(0.1, 0.25), -0.2);
  const outward = scale(anterior ? upper.v : upper.v, anterior ? rng.range(0.8, 2.5) : -rng.range(0.5, 1.2));
  const path = bezier(start, add(lerp(start, end, 0.5), outward), end, 10);
  const width = rng.range(0.5, 1.1) * (upper.spec.depth / 17) ** 0.5;
  return { outline: band(path, (t) => width * (0.75 + 0.35 * Math.sin(Math.PI * t))), layer: 'fine', value };
}

/** Irregular blob (bowel gas, soft-tissue lumps). */
export function blob(rng: Rng, center: Point, rx: number, ry: number, irregularity = 0.3): Polygon {
  const n = 12;
  const angle = rng.range(0, Math.PI);
  const pts = ellipse(center, rx, ry, angle, n).map((p) => {
    const d = sub(p, center);
    return add(center, scale(d, 1 + irregularity * (rng.next() - 0.5) * 2));
  });
  return chaikin(pts, 2);
}

/** Pedicle screw from the posterior elements into the body, with a head. */
export function pedicleScrew(vb: BuiltVertebra, pedicleLength: number, diameter: number, depthShare: number, value: number): Structure[] {
  const along = vb.spec.height * 0.38;
  const tip = vb.spec.depth * depthShare;
  const shaft = polyAt(vb, [
    [along - diameter / 2, -pedicleLength - 6],
    [along - diameter / 2, tip - diameter],
    [along, tip],
    [along + diameter / 2, tip - diameter],
    [along + diameter / 2, -pedicleLength - 6],
  ]);
  const head = ellipse(at(vb, along, -pedicleLength - 9), diameter * 1.1, diameter * 1.2, Math.atan2(vb.v.y, vb.v.x), 14);
  return [
    { outline: shaft, layer: 'fine', value },
    { outline: head, layer: 'fine', value: value * 1.2 },
  ];
}

/** A rod through points (screw heads) or a plate along bodies. */
export function rod(points: Polygon, halfWidth: number, value: number): Structure {
  return { outline: band(points, () => halfWidth), layer: 'fine', value };
}

/** Interbody cage: a bright frame filling most of the disc space. */
export function cage(disc: Polygon, share: number, value: number): Structure {
  const [ip, ia, sa, sp] = disc as [Point, Point, Point, Point];
  const margin = (1 - share) / 2;
  const outline = [lerp(ip, ia, margin), lerp(ip, ia, 1 - margin), lerp(sp, sa, 1 - margin), lerp(sp, sa, margin)];
  const dir = normalize(sub(ia, ip));
  const drop = scale({ x: -dir.y, y: dir.x }, 0.3);
  return {
    outline: outline.map((p, i) => (i < 2 ? add(p, drop) : sub(p, drop))),
    layer: 'fine',
    value: value * 0.15,
    bone: { cortex: value, cortexMm: 1.0, texture: 0 },
  };
}
