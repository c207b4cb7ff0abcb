import type { FusedVertebra } from '../types.js';
import { dist, lineAngle, mid, round2, round3, sub, type Point2 } from './geometry.js';
import type { LengthUnit, MeasureSpace } from './space.js';

/** Physical corners: superior-anterior, superior-posterior, inferior-posterior, inferior-anterior. */
export type BodyCorners = [Point2, Point2, Point2, Point2];

export interface VertebraMeasurements {
  /** Source px: superior-anterior, superior-posterior, inferior-posterior, inferior-anterior. */
  corners: { superiorAnterior: Point2; superiorPosterior: Point2; inferiorPosterior: Point2; inferiorAnterior: Point2 };
  anteriorHeight: number;
  middleHeight: number;
  posteriorHeight: number;
  /** Anterior / posterior height (< 1: anterior wedging). */
  wedgeRatio: number;
  /** Line angle to the image horizontal, counter-clockwise as displayed positive, in (−90°, 90°]. */
  superiorEndplateAngle: number;
  inferiorEndplateAngle: number;
  unit: LengthUnit;
}

/**
 * Step 4: the corners of body k (its index in fusion.vertebrae + 1) aligned with the local spine
 * axis: the body's pixels farthest along ±caudal ± anterior. Undefined when it has no pixel.
 */
export function bodyCorners(v: FusedVertebra, k: number, instanceMap: Int32Array, c: Point2, a: Point2, space: MeasureSpace): BodyCorners | undefined {
  const { width: W, sx, sy, px, py } = space;
  const best = new Float64Array(4).fill(-Infinity);
  const at = new Float64Array(8);
  const [bx0, by0, bx1, by1] = v.bbox;
  for (let y = by0; y < by1; y++) {
    const py0 = (y + 0.5) * sy * py;
    for (let x = bx0; x < bx1; x++) {
      if (instanceMap[y * W + x] !== k) continue;
      const px0 = (x + 0.5) * sx * px;
      const u = px0 * c[0] + py0 * c[1];
      const w = px0 * a[0] + py0 * a[1];
      for (let q = 0; q < 4; q++) {
        // q: 0 superior-anterior, 1 superior-posterior, 2 inferior-posterior, 3 inferior-anterior
        const score = (q === 0 || q === 3 ? w : -w) + (q < 2 ? -u : u);
        if (score > best[q]!) {
          best[q] = score;
          at[2 * q] = px0;
          at[2 * q + 1] = py0;
        }
      }
    }
  }
  if (best[0] === -Infinity) return undefined;
  return [0, 1, 2, 3].map((q) => [at[2 * q]!, at[2 * q + 1]!]) as BodyCorners;
}

/** Step 5: heights, wedge ratio and endplate angles from the corners; corners back in source px. */
export function vertebraMeasurements(corners: BodyCorners, space: MeasureSpace): VertebraMeasurements {
  const [sa, sp, ip, ia] = corners;
  const { px, py } = space;
  const anteriorHeight = dist(sa, ia);
  const posteriorHeight = dist(sp, ip);
  const middleHeight = dist(mid(sa, sp), mid(ia, ip));
  const toSource = (p: Point2): Point2 => [round2(p[0] / px), round2(p[1] / py)];
  return {
    corners: { superiorAnterior: toSource(sa), superiorPosterior: toSource(sp), inferiorPosterior: toSource(ip), inferiorAnterior: toSource(ia) },
    anteriorHeight: round2(anteriorHeight),
    middleHeight: round2(middleHeight),
    posteriorHeight: round2(posteriorHeight),
    wedgeRatio: posteriorHeight > 0 ? round3(anteriorHeight / posteriorHeight) : 0,
    superiorEndplateAngle: round2(lineAngle(sub(sa, sp))),
    inferiorEndplateAngle: round2(lineAngle(sub(ia, ip))),
    unit: space.unit,
  };
}
