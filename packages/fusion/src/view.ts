import type { View } from '@vertxnet/core';
import type { QcFlag } from './qc.js';
import type { ViewSource } from './types.js';

export interface ViewDecision {
  view: View | null;
  source: ViewSource;
  uncertain: boolean;
  /** P(`view`) under the view-evidence model, where the evidence was weighed (view-evidence.ts). */
  evidence?: number;
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
 * The view from metadata when given; else from whichever reference class scored best (a sure view
 * head that says otherwise leaves it uncertain, or decides where `referenceDoubted`: the reference
 * is on a cut body, or the head is sure past `headOverReference`); else from the U-Net's view head when it is sure
 * (probability ≥ `classifierThreshold`); else from whichever far-end landmark (T1 → cervical,
 * T12 → lumbar) scored best; else undecided here (the caller guesses from body shape). A hint or a
 * view head contradicted by the detections (only the other view's classes found) stays, but is
 * marked uncertain.
 */
export function decideView(
  hint: View | undefined,
  best: LandmarkScores,
  viewScores?: Record<View, number>,
  classifierThreshold = 0.9,
  referenceDoubted = false,
): ViewDecision {
  const cervical = Math.max(best.C2, best.T1);
  const lumbar = Math.max(best.S1, best.T12);
  const contradicted = (v: View) => (v === 'cervical' ? cervical : lumbar) === 0 && (v === 'cervical' ? lumbar : cervical) > 0;
  if (hint) return { view: hint, source: 'metadata', uncertain: contradicted(hint) };
  const top: View | undefined = viewScores ? (viewScores.cervical >= viewScores.lumbar ? 'cervical' : 'lumbar') : undefined;
  const head = top && viewScores![top] >= classifierThreshold ? top : undefined;
  if (best.C2 > 0 || best.S1 > 0) {
    const view: View = best.C2 >= best.S1 ? 'cervical' : 'lumbar';
    // A reference class on a body the film edge cuts may be a cut neighbour: a sure head outweighs it.
    if (referenceDoubted && head !== undefined && head !== view) return { view: head, source: 'classifier', uncertain: true };
    const both = best.C2 > 0 && best.S1 > 0 && Math.abs(best.C2 - best.S1) < AMBIGUOUS_MARGIN;
    return { view, source: 'reference', uncertain: both || (head !== undefined && head !== view) };
  }
  if (head) return { view: head, source: 'classifier', uncertain: contradicted(head) };
  if (best.T1 === 0 && best.T12 === 0) return { view: null, source: 'unknown', uncertain: true };
  const view: View = best.T1 >= best.T12 ? 'cervical' : 'lumbar';
  return { view, source: 'landmark', uncertain: best.T1 > 0 && best.T12 > 0 && Math.abs(best.T1 - best.T12) < AMBIGUOUS_MARGIN };
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
