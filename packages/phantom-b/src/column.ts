import { VIEW_LEVELS, type Level, type View } from '@vertxnet/core';
import { caudalOf, type BodyShape } from './body.js';
import { pt, type Point } from './geometry.js';
import type { FilmRandom } from './random.js';

/** Typical adult dimensions per level, mm: AP depth, height, disc below, spinous length, pedicle length. */
interface LevelNorm {
  level: Level;
  depth: number;
  height: number;
  discBelow: number;
  spinous: number;
  pedicle: number;
  /** Lordotic share of the column's lordosis taken by the disc below (negative: kyphotic, in degrees). */
  bend: number;
}

const CERVICAL: LevelNorm[] = [
  { level: 'C2', depth: 16, height: 16, discBelow: 4.5, spinous: 22, pedicle: 6, bend: 0.2 },
  { level: 'C3', depth: 15.5, height: 13.5, discBelow: 4.8, spinous: 14, pedicle: 5, bend: 0.2 },
  { level: 'C4', depth: 16, height: 13.5, discBelow: 5, spinous: 14, pedicle: 5, bend: 0.2 },
  { level: 'C5', depth: 16.5, height: 13.5, discBelow: 5.2, spinous: 15, pedicle: 5, bend: 0.2 },
  { level: 'C6', depth: 17, height: 14, discBelow: 5, spinous: 19, pedicle: 5, bend: 0.2 },
  { level: 'C7', depth: 17.5, height: 15, discBelow: 4.2, spinous: 26, pedicle: 6, bend: 0 },
  { level: 'T1', depth: 19, height: 16.5, discBelow: 3.8, spinous: 27, pedicle: 7, bend: -4 },
  { level: 'T2', depth: 21, height: 18, discBelow: 3.6, spinous: 27, pedicle: 8, bend: -4 },
  { level: 'T3', depth: 23, height: 19, discBelow: 3.6, spinous: 26, pedicle: 8, bend: 0 },
];

const LUMBAR: LevelNorm[] = [
  { level: 'T9', depth: 26, height: 21, discBelow: 5, spinous: 26, pedicle: 10, bend: -3 },
  { level: 'T10', depth: 27, height: 22, discBelow: 5.5, spinous: 26, pedicle: 10, bend: -3 },
  { level: 'T11', depth: 28, height: 23, discBelow: 6, spinous: 27, pedicle: 11, bend: -2 },
  { level: 'T12', depth: 30, height: 24, discBelow: 7, spinous: 28, pedicle: 11, bend: 0 },
  { level: 'L1', depth: 32, height: 25, discBelow: 8, spinous: 30, pedicle: 12, bend: 0.08 },
  { level: 'L2', depth: 34, height: 26, discBelow: 9, spinous: 31, pedicle: 12, bend: 0.12 },
  { level: 'L3', depth: 36, height: 27, discBelow: 10, spinous: 31, pedicle: 12, bend: 0.18 },
  { level: 'L4', depth: 37, height: 27, discBelow: 11, spinous: 29, pedicle: 12, bend: 0.27 },
  { level: 'L5', depth: 37, height: 26, discBelow: 10, spinous: 24, pedicle: 11, bend: 0.35 },
  { level: 'S1', depth: 40, height: 27, discBelow: 2, spinous: 0, pedicle: 0, bend: 0 },
];

export interface Vertebra {
  level: Level;
  labelled: boolean;
  body: BodyShape;
  spinous: number;
  pedicle: number;
}

export interface Column {
  view: View;
  vertebrae: Vertebra[];
  /** Lordosis of the labelled part, degrees. */
  lordosis: number;
}

const deg = Math.PI / 180;

/** Draws one patient's column: sizes, disc heights, lordosis, a possible wedge fracture and osteophytes. */
export function drawColumn(view: View, rng: FilmRandom): Column {
  const norms = view === 'cervical' ? CERVICAL : LUMBAR;
  const lumbar = view === 'lumbar';
  const size = rng.gauss(1, 0.07);
  const discScale = rng.between(0.55, 1.25);
  const lordosis = lumbar ? rng.between(30, 68) : rng.between(-8, 38);
  const osteophytic = rng.chance(0.3);
  const labelled = VIEW_LEVELS[view];
  const fractured = rng.chance(0.12) ? rng.pick(labelled.slice(1, -1)) : undefined;
  const shapes = norms.map((n) => {
    const jitter = rng.gauss(1, 0.04);
    const depth = n.depth * size * jitter;
    const height = n.height * size * jitter * rng.gauss(1, 0.03);
    const lip = () => (osteophytic && rng.chance(0.4) ? rng.between(0.8, lumbar ? 4.5 : 2.5) : 0);
    let anterior = height * (n.level === 'L5' || n.level === 'S1' ? rng.between(1.04, 1.14) : rng.gauss(1, 0.02));
    if (n.level === fractured) anterior = height * rng.between(0.58, 0.8);
    const body: BodyShape = {
      centre: pt(0, 0),
      tilt: 0,
      depth,
      anteriorHeight: anterior,
      posteriorHeight: height,
      sag: rng.between(0.03, 0.08) * height,
      squareness: lumbar ? rng.between(3.8, 5.5) : rng.between(3.2, 4.6),
      lipTop: lip(),
      lipBottom: lip(),
    };
    return { level: n.level, labelled: labelled.includes(n.level), body, spinous: n.spinous * size, pedicle: n.pedicle * size };
  });
  const discs = norms.map((n) => n.discBelow * size * discScale * rng.gauss(1, 0.1));
  stack(shapes, discs, discBends(norms, lordosis, rng));
  return { view, vertebrae: shapes, lordosis };
}

/** Angle change at each disc below a level (radians, positive lordotic). */
function discBends(norms: LevelNorm[], lordosis: number, rng: FilmRandom): number[] {
  return norms.map((n) => {
    const share = n.bend > 0 && n.bend < 1 ? n.bend * lordosis : n.bend;
    return (share + rng.gauss(0, 1.5)) * deg;
  });
}

/** Places the bodies one under the other along the turning axis; the column's mean tilt is zero. */
function stack(vertebrae: Vertebra[], discs: number[], bends: number[]): void {
  let tilt = 0;
  let centre: Point = pt(0, 0);
  const tilts: number[] = [];
  for (let i = 0; i < vertebrae.length; i++) {
    const v = vertebrae[i]!;
    if (i > 0) {
      const above = vertebrae[i - 1]!;
      const bend = bends[i - 1]!;
      const next = tilt - bend;
      // The disc must stay open at both walls however the bodies turn.
      const minGap = v.body.depth > 25 ? 2 : 1.2;
      const disc = Math.max(discs[i - 1]!, (above.body.depth / 2) * Math.abs(bend) + minGap);
      const h0 = (above.body.anteriorHeight + above.body.posteriorHeight) / 4;
      const h1 = (v.body.anteriorHeight + v.body.posteriorHeight) / 4;
      centre = add(add(add(centre, scale(caudalOf(tilt), h0)), scale(caudalOf((tilt + next) / 2), disc)), scale(caudalOf(next), h1));
      tilt = next;
    }
    tilts.push(tilt);
    v.body.centre = centre;
    v.body.tilt = tilt;
  }
  const mean = tilts.reduce((s, t) => s + t, 0) / tilts.length;
  for (const v of vertebrae) v.body.tilt -= mean;
  // Re-stack with the mean removed: rotate the centres about the middle body by the same amount.
  const mid = vertebrae[Math.floor(vertebrae.length / 2)]!.body.centre;
  for (const v of vertebrae) {
    const dx = v.body.centre.x - mid.x;
    const dy = v.body.centre.y - mid.y;
    const c = Math.cos(mean);
    const s = Math.sin(mean);
    v.body.centre = pt(mid.x + c * dx - s * dy, mid.y + s * dx + c * dy);
  }
}

const add = (a: Point, b: Point): Point => pt(a.x + b.x, a.y + b.y);
const scale = (a: Point, k: number): Point => pt(a.x * k, a.y * k);
