import { VIEW_LEVELS, type Level, type View } from '@vertxnet/core';
import { levelProbability } from '../level-head.js';
import { round3 } from '../measure/geometry.js';
import type { ChainFeatures } from './chain-features.js';

/** How far the U-Net's heads agree with the labels fusion gave: evidence for the calibration. */
export interface HeadAgreement {
  /** The view head's probability of the film's view; absent without a view or a view head. */
  view?: number;
  /** Per chain body: the level head's probability of its level; undefined when unlabelled or without a level head. */
  levels: (number | undefined)[];
}

/**
 * Step 11: reads the view head at the film's view and the level head at each labelled body's level
 * (its pixels' mean, as the decoding reads it). Whatever decided the labels (a reference, a
 * landmark, the decoding), a head that disagrees says a film may be counted wrong: on a style the
 * models never saw, the reference classes and the heads fail apart more often than together.
 */
export function readHeadAgreement(
  view: View | null,
  viewScores: Record<View, number> | undefined,
  levels: readonly (Level | null)[],
  features: ChainFeatures,
): HeadAgreement {
  if (!view) return { levels: levels.map(() => undefined) };
  const order = VIEW_LEVELS[view];
  const bodies = levels.some((l) => l !== null) ? features.bodies(view) : [];
  return {
    ...(viewScores ? { view: round3(viewScores[view]) } : {}),
    levels: levels.map((level, i) => {
      const read = bodies[i]?.levels;
      return level !== null && read ? round3(levelProbability(read, order.indexOf(level))) : undefined;
    }),
  };
}
