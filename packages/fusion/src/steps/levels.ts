import { REFERENCE_LEVEL, VIEW_LEVELS, type Level, type View } from '@vertxnet/core';
import { decodeChainLevels } from '../anchor.js';
import type { LandmarkClass } from '../instances.js';
import { labelChain } from '../labelling.js';
import type { FusionOptions } from '../options.js';
import { touchesEdge, type Bodies } from './bodies.js';
import { FAR_END_LANDMARK, type ChainFeatures } from './chain-features.js';
import type { Landmarks } from './landmarks.js';
import type { SpineChain } from './spine-chain.js';

/** The level of each chain body, and the evidence the count rests on. */
export interface ChainLevels {
  /** Level of chain body i (null: unlabelled). */
  levels: Array<Level | null>;
  /** A gap in the chain was counted as a missed body. */
  skipped: boolean;
  /** Chain position of the reference body the count starts from, when it was trusted. */
  anchor?: number;
  /** Score of the reference the labels rest on. */
  referenceScore?: number;
  /** Without a reference: the far-end landmark (T1 / T12) a decoded body carries, and its score. */
  landmark?: { level: LandmarkClass; score: number };
}

/**
 * Step 9: counts the levels from the reference body; with no reference, or one cut by the film edge
 * that the level head doubts, decodes the most likely levels from body shapes, far-end landmark
 * marks and the level head (anchor.ts).
 */
export function assignLevels(
  view: View | null,
  bodies: Bodies,
  chain: SpineChain,
  landmarks: Landmarks,
  features: ChainFeatures,
  hasLevelGrid: boolean,
  size: { width: number; height: number },
  o: FusionOptions,
): ChainLevels {
  const { order, refK, refClass, bodySide } = chain;
  const chainPoints = order.map((k) => bodies.points[k]!);
  const found = refK >= 0 ? order.indexOf(refK) : -1;
  const cut = found >= 0 && touchesEdge(bodies.stats, bodies.alive[refK]!, size.width, size.height);
  const referenceCost = cut ? o.cutReferenceCost : view === 'lumbar' ? o.wholeReferenceCost : o.wholeC2Cost;
  const doubtful = found >= 0 && referenceCost > 0 && o.levelWeight > 0 && hasLevelGrid;
  const decoded =
    view && (found < 0 || doubtful) && order.length >= 1 && o.templateAnchor
      ? decodeChainLevels(features.bodies(view), view, undefined, o.levelWeight, doubtful ? { at: found, cost: referenceCost, beyondOnly: !cut } : undefined)
      : undefined;
  const refLevelIndex = view ? VIEW_LEVELS[view].indexOf(REFERENCE_LEVEL[view]) : 0;
  const overruled = doubtful && decoded !== undefined && decoded.firstLevelIndex !== refLevelIndex - found;
  const anchor = found >= 0 && !overruled ? found : undefined;
  const labels = view
    ? decoded && anchor === undefined
      ? labelChain(chainPoints, view, 0, o.gapRatio, 1.15 * bodySide, decoded.firstLevelIndex)
      : labelChain(chainPoints, view, anchor, o.gapRatio, 1.15 * bodySide)
    : { levels: order.map(() => null), skipped: false };
  // The landmark the labels rest on: a marked body the decoding calls T1 / T12.
  const landmarkClass = view && anchor === undefined ? FAR_END_LANDMARK[view] : undefined;
  const landmarkAt = landmarkClass ? labels.levels.findIndex((l, i) => l === landmarkClass && landmarks.score(order[i]!, landmarkClass) > 0) : -1;
  const referenceScore = anchor !== undefined && refClass ? landmarks.score(refK, refClass) : undefined;
  return {
    levels: labels.levels,
    skipped: labels.skipped,
    ...(anchor !== undefined ? { anchor } : {}),
    ...(referenceScore !== undefined ? { referenceScore } : {}),
    ...(landmarkAt >= 0 ? { landmark: { level: landmarkClass!, score: landmarks.score(order[landmarkAt]!, landmarkClass!) } } : {}),
  };
}
