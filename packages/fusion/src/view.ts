import type { View } from '@vertxnet/shared';
import type { QcFlag } from './qc.js';
import type { ViewSource } from './types.js';

export interface ViewDecision {
  view: View | null;
  source: ViewSource;
  uncertain: boolean;
}

/** Reference scores closer than this leave the view in doubt when both C2 and S1 are found. */
const AMBIGUOUS_MARGIN = 0.2;

/**
 * The view from metadata when given; else from whichever reference class scored best; else
 * undecided here (the caller guesses from body shape). A hint contradicted by the detections
 * (only the other view's reference found) stays, but is marked uncertain.
 */
export function decideView(hint: View | undefined, bestC2: number, bestS1: number): ViewDecision {
  if (hint) {
    const own = hint === 'cervical' ? bestC2 : bestS1;
    const other = hint === 'cervical' ? bestS1 : bestC2;
    return { view: hint, source: 'metadata', uncertain: own === 0 && other > 0 };
  }
  if (bestC2 === 0 && bestS1 === 0) return { view: null, source: 'unknown', uncertain: true };
  const view: View = bestC2 >= bestS1 ? 'cervical' : 'lumbar';
  const uncertain = bestC2 > 0 && bestS1 > 0 && Math.abs(bestC2 - bestS1) < AMBIGUOUS_MARGIN;
  return { view, source: 'reference', uncertain };
}

/**
 * Position-based guess from body shape: on a lateral film lumbar bodies are much deeper than tall
 * (depth/height ≈ 1.5), cervical bodies nearly square (≈ 1.1). Median depth/height ≥ 1.3 → lumbar.
 */
export function guessViewFromShape(depthOverHeight: number[]): View {
  const s = [...depthOverHeight].sort((a, b) => a - b);
  const m = s.length ? s[s.length >> 1]! : 1;
  return m >= 1.3 ? 'lumbar' : 'cervical';
}

export function viewFlags(d: ViewDecision): QcFlag[] {
  return d.uncertain || d.source === 'position' ? ['view-uncertain'] : [];
}
