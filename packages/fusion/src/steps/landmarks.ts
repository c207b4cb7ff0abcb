import type { LandmarkClass } from '../instances.js';
import type { FusionOptions } from '../options.js';
import type { LandmarkScores } from '../view.js';
import type { Bodies } from './bodies.js';

/** The reference (C2, S1) and far-end landmark (T1, T12) classes found on the bodies. */
export interface Landmarks {
  /** The score of a class on body k when at its class threshold, else 0. */
  score(k: number, cls: LandmarkClass): number;
  /** The body with the best score of each class (-1: none). */
  best: Record<LandmarkClass, number>;
  /** That best score of each class (0: none). */
  scores: LandmarkScores;
}

/** Step 5: which body carries each landmark class best; C2 and S1 must reach the reference threshold. */
export function findLandmarks(bodies: Pick<Bodies, 'regions' | 'alive'>, o: FusionOptions): Landmarks {
  const { regions, alive } = bodies;
  const score = (k: number, cls: LandmarkClass) => {
    const s = regions[alive[k]! - 1]!.instance?.landmarkScore[cls] ?? 0;
    return s >= (cls === 'C2' || cls === 'S1' ? o.referenceThreshold : o.landmarkThreshold) ? s : 0;
  };
  const bestOf = (cls: LandmarkClass) => alive.reduce((best, _, k) => (score(k, cls) > (best < 0 ? 0 : score(best, cls)) ? k : best), -1);
  const best = { C2: bestOf('C2'), S1: bestOf('S1'), T1: bestOf('T1'), T12: bestOf('T12') };
  const scoreOf = (cls: LandmarkClass) => (best[cls] < 0 ? 0 : score(best[cls], cls));
  return { score, best, scores: { C2: scoreOf('C2'), S1: scoreOf('S1'), T1: scoreOf('T1'), T12: scoreOf('T12') } };
}
