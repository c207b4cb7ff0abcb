import type { FusionResult } from '../types.js';
import type { VertebraMeasurements } from './corners.js';
import { dot, round2, sub, type Point2 } from './geometry.js';
import type { MeasureSpace } from './space.js';

export interface Lordosis {
  name: 'C2-C7' | 'L1-S1';
  degrees: number;
  /** The levels whose endplates it runs between. */
  levels: [string, string];
}

/** The endplates each view's lordosis runs between: C2 to C7 inferior, L1 to S1 superior. */
const ENDPLATES = {
  cervical: { name: 'C2-C7', upper: 'C2', lower: 'C7', posterior: 'inferiorPosterior', anterior: 'inferiorAnterior' },
  lumbar: { name: 'L1-S1', upper: 'L1', lower: 'S1', posterior: 'superiorPosterior', anterior: 'superiorAnterior' },
} as const;

/**
 * Step 6: the angle between the two endplates, each as a tilt against the whole spine's axis
 * (caudal, anterior); lordosis positive. Undefined without a view or either body.
 */
export function lordosis(
  fusion: Pick<FusionResult, 'view' | 'vertebrae'>,
  measured: readonly (VertebraMeasurements | undefined)[],
  caudal: Point2,
  anterior: Point2,
  space: MeasureSpace,
): Lordosis | undefined {
  if (!fusion.view) return undefined;
  const e = ENDPLATES[fusion.view];
  const byLevel = (level: string) => {
    const i = fusion.vertebrae.findIndex((v) => v.level === level);
    return i >= 0 ? measured[i] : undefined;
  };
  const upper = byLevel(e.upper);
  const lower = byLevel(e.lower);
  if (!upper || !lower) return undefined;
  // Tilt of an endplate: how far its anterior end lies caudal of its posterior end, as an angle.
  const tilt = (from: Point2, to: Point2) => (Math.atan2(dot(sub(to, from), caudal), dot(sub(to, from), anterior)) * 180) / Math.PI;
  const toPhys = (p: Point2): Point2 => [p[0] * space.px, p[1] * space.py];
  const t1 = tilt(toPhys(upper.corners[e.posterior]), toPhys(upper.corners[e.anterior]));
  const t2 = tilt(toPhys(lower.corners[e.posterior]), toPhys(lower.corners[e.anterior]));
  return { name: e.name, degrees: round2(t2 - t1), levels: [e.upper, e.lower] };
}
