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
  const bone = { cortex: p.cortex, cortexMm: 0.7, texture: 0.6 };
  const pedicle = polyAt(vb, [
    [0.1 * h, 1.5],
    [0.55 * h, 1.5],
    [0.5 * h, -pl * 0.5],
    [0.48 * h, -pl - 0.5],
    [0.2 * h, -pl - 0.5],
    [0.15 * h, -pl * 0.5],
  ]);
  const s = p.massSlant * h;
  const mass = polyAt(vb, [
    [-0.32 * h, -pl + 0.5],
    [-0.3 * h + s, -pl - mw * 0.7],
    [-0.15 * h + s, -pl - mw],
    [0.9 * h + s, -pl - mw],
    [0.95 * h + s * 0.5, -pl - mw * 0.5],
    [0.9 * h, -pl + 0.5],
  ]);
  const base = -pl - mw * 0.6;
  const tipAnterior = -pl - mw - p.spinousLength;
  const tipAlong = 0.45 * h + p.spinousDrop;
  const w = p.spinousWidth / 2;
  const spinous = polyAt(vb, [
    [0.12 * h, base],
    [tipAlong - w, tipAnterior + w],
    [tipAlong - w * 0.9, tipAnterior],
    [tipAlong + w * 0.2, tipAnterior - w * 0.5],
    [tipAlong + w, tipAnterior + w * 0.3],
    [0.8 * h, base],
  ]);
  return [
    { outline: chaikin(pedicle, 2), layer: 'fine', value: p.value * 0.9, bone },
    { outline: chaikin(mass, 2), layer: 'fine', value: p.value * 1.1, bone },
    { outline: chaikin(spinous, 2), layer: 'fine', value: p.value * 0.8, bone },
  ];
}

/** Syndesmophyte: a thin bony bridge over the anterior (or posterior) disc margin, as in ankylosing spondylitis. */
export function syndesmophyte(rng: Rng, upper: BuiltVertebra, lower: BuiltVertebra, anterior: boolean, value: number): Structure {
  const start = anterior
    ? at(upper, upper.spec.height * (1 - rng.range(0.1, 0.3)), upper.spec.depth + 0.2)
    : at(upper, upper.spec.height * (1 - rng.range(0.1, 0.25)), -0.2);
  const end = anterior ? at(lower, lower.spec.height * rng.range(0.1, 0.3), lower.spec.depth + 0.2) : at(lower, lower.spec.height * rng.range(0.1, 0.25), -0.2);
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

export interface BodyLook {
  trabecular: number;
  cortex: number;
  cortexMm: number;
  /** Extra attenuation of the endplates, seen edge-on. */
  endplate: number;
  endplateMm: number;
  texture: number;
}

/** A vertebral body: textured, rounded interior, thin rim, bright endplate lines just inside the outline. */
export function bodyStructures(vb: BuiltVertebra, look: BodyLook): Structure[] {
  const center = lerp(lerp(vb.superiorPosterior, vb.inferiorAnterior, 0.5), lerp(vb.superiorAnterior, vb.inferiorPosterior, 0.5), 0.5);
  const half = look.endplateMm / 2;
  const shift = (path: Polygon, dir: Point) => path.map((p) => add(p, scale(dir, half + look.cortexMm * 0.3)));
  const plate = (path: Polygon): Structure => ({
    outline: band(path, (t) => half * (0.6 + 0.4 * Math.sin(Math.PI * t))),
    layer: 'fine',
    value: look.endplate,
  });
  return [
    {
      outline: vb.outline,
      layer: 'fine',
      value: look.trabecular,
      bone: { cortex: look.cortex, cortexMm: look.cortexMm, texture: look.texture, profile: { center, axis: vb.v, half: vb.spec.depth / 2 } },
    },
    plate(shift(vb.superiorEndplate, vb.u)),
    plate(shift(vb.inferiorEndplate, scale(vb.u, -1))),
  ];
}

/**
 * What a scene's drawing steps share: the patient's seeded stream, scale and bone density, and the
 * list of structures they add to, in drawing order.
 */
export interface Sketch {
  rng: Rng;
  size: number;
  density: number;
  structures: Structure[];
  /** A fine-layer bone, its value and cortex scaled by density and its cortex width by size. */
  bone: (outline: Polygon, value: number, cortex: number, cortexMm?: number, texture?: number) => Structure;
}

/** A Sketch with no structures yet; `cortexMm` is the default cortex width of its bones (mm at size 1). */
export function sketch(rng: Rng, size: number, density: number, cortexMm: number): Sketch {
  const bone = (outline: Polygon, value: number, cortex: number, mm = cortexMm, texture = 0.6): Structure => ({
    outline,
    layer: 'fine',
    value: value * density,
    bone: { cortex: cortex * density, cortexMm: mm * size, texture },
  });
  return { rng, size, density, structures: [], bone };
}

/** Syndesmophytes bridging vertebrae k to k + 1 for k in [from, to): always anterior, sometimes posterior too. */
export function bridgeLevels(s: Sketch, vb: readonly BuiltVertebra[], from: number, to: number): void {
  for (let k = from; k < to; k++) {
    s.structures.push(syndesmophyte(s.rng, vb[k]!, vb[k + 1]!, true, 0.7 * s.density));
    if (s.rng.chance(0.4)) s.structures.push(syndesmophyte(s.rng, vb[k]!, vb[k + 1]!, false, 0.55 * s.density));
  }
}
