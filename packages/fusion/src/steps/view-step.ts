import type { View } from '@vertxnet/core';
import { decodeChainLevels, fitChainToTemplate } from '../anchor.js';
import type { FusionOptions } from '../options.js';
import { decideView, guessViewFromShape, type ViewDecision } from '../view.js';
import { cervicalProbability, viewEvidence, type ViewEvidence, type ViewEvidenceModel } from '../view-evidence.js';
import { VIEW_EVIDENCE_MODEL } from '../view-evidence-fitted.js';
import { weighViews } from '../weigh-views.js';
import { touchesEdge, type Bodies } from './bodies.js';
import type { ChainFeatures } from './chain-features.js';
import type { Landmarks } from './landmarks.js';
import type { SpineChain } from './spine-chain.js';

/**
 * Step 6: the view from metadata, the reference class (the better-scored of C2 and S1; one cut by
 * the film edge, or one a very sure view head contradicts, gives way to the head), the view head
 * or a far-end landmark (view.ts decideView).
 */
export function readView(
  hint: View | undefined,
  bodies: Bodies,
  landmarks: Landmarks,
  viewScores: Record<View, number> | undefined,
  size: { width: number; height: number },
  o: FusionOptions,
): ViewDecision {
  const { best, scores } = landmarks;
  const bestRefK = scores.C2 >= scores.S1 ? best.C2 : best.S1;
  const referenceCut = o.cutReferenceCost > 0 && bestRefK >= 0 && touchesEdge(bodies.stats, bodies.alive[bestRefK]!, size.width, size.height);
  const headSure = o.headOverReference > 0 && viewScores !== undefined && Math.max(viewScores.cervical, viewScores.lumbar) >= o.headOverReference;
  return decideView(hint, scores, viewScores, o.viewThreshold, referenceCut || headSure);
}

/** What the view evidence is read from: fusion's trace up to the traced chain. */
export interface TracedChain {
  bodies: Bodies;
  landmarks: Landmarks;
  chain: SpineChain;
  features: ChainFeatures;
  options: FusionOptions;
}

/**
 * Every piece of evidence on the view once the chain is traced (view-evidence.ts): the view head,
 * the reference and landmark classes, the chain decoded as either view, the body shapes.
 */
export function readViewEvidence(t: TracedChain, viewScores?: Record<View, number>): ViewEvidence {
  const { bodies, landmarks, chain, features, options: o } = t;
  const { order } = chain;
  // Decoded cranial first whatever the first decision was: a false C2 low on the chain starts it at the bottom.
  const upsideDown = order.length >= 2 && bodies.points[order[0]!]![1] > bodies.points[order[order.length - 1]!]![1];
  const decode = (view: View) => {
    const chainBodies = features.bodies(view, 'far-end');
    return decodeChainLevels(upsideDown ? [...chainBodies].reverse() : chainBodies, view, undefined, o.levelWeight);
  };
  const decoded = order.length >= 2 && o.templateAnchor ? { cervical: decode('cervical'), lumbar: decode('lumbar') } : undefined;
  return viewEvidence(landmarks.scores, viewScores, decoded, order.length, features.ratios());
}

/**
 * Step 8: with `weighViewEvidence` (and no view from metadata), the view that all the evidence
 * makes likelier: a logistic model fitted on validation films (view-evidence.ts,
 * view-evidence-fitted.ts). A view it overturns is `weighed` and uncertain. Without it, a view that
 * only a far-end landmark's class decided is weighed against the other view on the whole chain
 * (weigh-views.ts: where the mark sits, the shapes, the level head, the view head); one it
 * overturns is uncertain. With no view from metadata, reference, view head or landmark, the view
 * whose level template the body shapes along the chain fit better (else a guess from the shapes
 * alone).
 */
export function settleView(
  decision: ViewDecision,
  bodies: Bodies,
  landmarks: Landmarks,
  chain: SpineChain,
  features: ChainFeatures,
  o: FusionOptions,
  viewScores?: Record<View, number>,
  model: ViewEvidenceModel = VIEW_EVIDENCE_MODEL,
): ViewDecision {
  if (o.weighViewEvidence && decision.source !== 'metadata' && chain.order.length >= 2) {
    const cervical = cervicalProbability(readViewEvidence({ bodies, landmarks, chain, features, options: o }, viewScores), model);
    const view: View = cervical >= 0.5 ? 'cervical' : 'lumbar';
    const evidence = view === 'cervical' ? cervical : 1 - cervical;
    return view === decision.view ? { ...decision, evidence } : { view, source: 'weighed', uncertain: true, evidence };
  }
  if (decision.source === 'landmark' && decision.view && o.templateAnchor && o.weighLandmarkView && chain.order.length >= 2) {
    const weighed = weighViews(
      (view) => decodeChainLevels(features.bodies(view, 'far-end'), view, undefined, o.levelWeight),
      chain.order.length,
      decision.view,
      viewScores,
    );
    if (weighed && weighed.view !== decision.view) return { view: weighed.view, source: 'landmark', uncertain: true };
    return decision;
  }
  if (decision.view || bodies.alive.length === 0) return decision;
  const chainBodies = features.bodies();
  const cervical = chain.order.length >= 2 && o.templateAnchor ? fitChainToTemplate(chainBodies, 'cervical') : undefined;
  const lumbar = cervical ? fitChainToTemplate(chainBodies, 'lumbar') : undefined;
  const byFit = cervical && lumbar ? (cervical.cost <= lumbar.cost ? 'cervical' : 'lumbar') : undefined;
  return { view: byFit ?? guessViewFromShape(features.ratios()), source: 'position', uncertain: true };
}
