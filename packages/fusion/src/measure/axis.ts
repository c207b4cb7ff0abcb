import type { FusedVertebra } from '../types.js';
import { dot, sub, unitVec, type Point2 } from './geometry.js';
import { toPhysical, type MeasureSpace } from './space.js';

/** The spine's axis: chain body centroids in physical space and the overall caudal direction. */
export interface SpineAxis {
  /** Index into fusion.vertebrae of each chain body, in chain order. */
  chain: number[];
  /** Physical centroid of each chain body. */
  points: Point2[];
  /** Unit vector from the first to the last chain body ([0, 1] for fewer than two). */
  caudal: Point2;
}

export type AnteriorSide = 'left' | 'right';

export interface AnteriorChoice {
  side: AnteriorSide;
  basis: 'curvature' | 'default' | 'facing-head';
}

/** Step 2: the chain bodies' centroids in physical space and the caudal direction. */
export function spineAxis(vertebrae: readonly FusedVertebra[], space: MeasureSpace): SpineAxis {
  const chain = vertebrae.map((v, i) => ({ v, i })).filter((e) => e.v.chainIndex !== null);
  const points = chain.map((e) => toPhysical(e.v.centroid, space));
  const caudal = unitVec(points.length >= 2 ? sub(points[points.length - 1]!, points[0]!) : [0, 1]);
  return { chain: chain.map((e) => e.i), points, caudal };
}

/**
 * Step 3: the anterior side. Cervical and lumbar spines are lordotic, so the chain of centroids
 * bulges anteriorly away from the chord joining its ends. Under `minBulge` of the chord (a
 * straight or kyphotic-flat spine) the display convention of lateral films, patient facing left,
 * decides.
 */
export function anteriorSide(axis: SpineAxis, override: AnteriorSide | undefined, minBulge = 0.02): AnteriorChoice {
  if (override) return { side: override, basis: 'default' };
  const { points: pts, caudal } = axis;
  if (pts.length >= 3) {
    const chord = Math.hypot(...sub(pts[pts.length - 1]!, pts[0]!));
    // Signed offset of the interior points towards the left of the chord as displayed (-x side for a vertical chord).
    const left: Point2 = [caudal[1], -caudal[0]];
    const leftUnit: Point2 = left[0] <= 0 ? left : [-left[0], -left[1]];
    let bulge = 0;
    for (let i = 1; i < pts.length - 1; i++) bulge += dot(sub(pts[i]!, pts[0]!), leftUnit);
    bulge /= pts.length - 2;
    if (Math.abs(bulge) >= minBulge * chord) return { side: bulge > 0 ? 'left' : 'right', basis: 'curvature' };
  }
  return { side: 'left', basis: 'default' };
}

/** The unit normal to a caudal direction that points to the anterior side. */
export function anteriorOf(c: Point2, side: AnteriorSide): Point2 {
  const n: Point2 = [c[1], -c[0]];
  return (side === 'left') === n[0] <= 0 ? n : [-n[0], -n[1]];
}

/** The local caudal direction at a body: along its chain neighbours, else the whole spine's. */
export function localCaudal(v: FusedVertebra, axis: SpineAxis): Point2 {
  if (v.chainIndex === null || axis.chain.length < 2) return axis.caudal;
  const pts = axis.points;
  const j = v.chainIndex;
  const a = pts[Math.max(0, j - 1)]!;
  const b = pts[Math.min(pts.length - 1, j + 1)]!;
  return unitVec(sub(b, a));
}
