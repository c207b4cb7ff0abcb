import { VIEWS, type View } from '@vertxnet/core';
import type { ChainDecoding } from './anchor.js';

/**
 * How far the class of a far-end landmark (T1 → cervical, T12 → lumbar) is believed on its own: the
 * share of films whose best-scored far-end mark has the class of their view, measured for Mask R-CNN
 * 0.2.0 on our two random-look validation sets (seeds 81001 and 82001: 156 of 161; docs/EVALUATION.md,
 * "The view from a landmark, weighed").
 */
export const LANDMARK_CLASS_RELIABILITY = 0.97;

/**
 * The weighing speaks only for a chain that one view's template explains: at most this cost per
 * body (nats) for the better decoding. A body that fits nothing costs about 4–4.5 (the misfit cap,
 * the level head's floor, a mark where none belongs); right chains of the validation sets cost
 * 0.04–2.5, and two chains of 5 and 7 bodies that cost 4.9 and 7.5 (a merged blob among them) were
 * overturned wrongly at any weight.
 */
export const WEIGH_FIT_LIMIT = 3;

/** The view head's probability is floored here, like the level head's. */
const HEAD_FLOOR = 0.02;

export interface ViewWeighing {
  view: View;
  /** Negative log-likelihood of each view: its best chain decoding, the landmark's class, the view head. */
  costs: Record<View, number>;
}

/**
 * The view that explains a chain without a reference best, when a far-end landmark's class would
 * otherwise decide it alone. The class T1 or T12 is one piece of evidence; where the mark sits on
 * the chain is another: T1 is the caudal end of a cervical spine (C2–C7 above it), T12 the cranial
 * end of a lumbar one (L1–S1 below it), and the body shapes and the level head say how many bodies
 * lie on each side. So each view's chain is decoded on the same evidence (`decode`: every body
 * carrying either class marked, at that view's mark rates), and to its cost are added the landmark
 * class (−ln reliability, or −ln(1 − reliability) for the other view) and the view head (−ln p).
 * Undefined (the class stands) when a view cannot be decoded or the chain fits neither template.
 */
export function weighViews(
  decode: (view: View) => ChainDecoding | undefined,
  chainLength: number,
  landmarkView: View,
  viewScores: Record<View, number> | undefined,
  reliability = LANDMARK_CLASS_RELIABILITY,
): ViewWeighing | undefined {
  const decoded = { cervical: decode('cervical'), lumbar: decode('lumbar') };
  if (!decoded.cervical || !decoded.lumbar) return undefined;
  if (Math.min(decoded.cervical.cost, decoded.lumbar.cost) > WEIGH_FIT_LIMIT * chainLength) return undefined;
  const costs = {} as Record<View, number>;
  for (const view of VIEWS) {
    const cls = view === landmarkView ? reliability : 1 - reliability;
    const head = viewScores ? -Math.log(Math.max(HEAD_FLOOR, viewScores[view])) : 0;
    costs[view] = decoded[view]!.cost - Math.log(cls) + head;
  }
  const view = costs.cervical <= costs.lumbar ? 'cervical' : 'lumbar';
  return { view, costs };
}
