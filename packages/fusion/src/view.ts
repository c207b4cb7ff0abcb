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

/** Best score of each landmark class in an image (0 = not found). */
export interface LandmarkScores {
  C2: number;
  S1: number;
  T1: number;
  T12: number;
}

/**
 * The view from metadata when given; else from whichever reference class scored best; else from
 * whichever far-end landmark (T1 → cervical, T12 → lumbar) scored best; else undecided here (the
 * caller guesses from body shape). A hint contradicted by the detections (only the other view's
 * classes found) stays, but is marked uncertain.
 */
export function decideView(hint: View | undefined, best: LandmarkScores): ViewDecision {
  const cervical = Math.max(best.C2, best.T1);
  const lumbar = Math.max(best.S1, best.T12);
  if (hint) {
    const own = hint === 'cervical' ? cervical : lumbar;
    const other = hint === 'cervical' ? lumbar : cervical;
    return { view: hint, source: 'metadata', uncertain: own === 0 && other > 0 };
  }
  const [a, b, source] = best.C2 > 0 || best.S1 > 0 ? [best.C2, best.S1, 'reference' as const] : [best.T1, best.T12, 'landmark' as const];
  if (a === 0 && b === 0) return { view: null, source: 'unknown', uncertain: true };
  const view: View = a >= b ? 'cervical' : 'lumbar';
  const uncertain = a > 0 && b > 0 && Math.abs(a - b) < AMBIGUOUS_MARGIN;
  return { view, source, uncertain };
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
