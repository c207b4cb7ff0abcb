import type { View } from '@vertxnet/core';
import { decodeChainLevels, fitChainToTemplate } from '../anchor.js';
import type { FusionOptions } from '../options.js';
import { decideView, guessViewFromShape, type ViewDecision } from '../view.js';
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

/**
 * Step 8: a view that only a far-end landmark's class decided is weighed against the other view on
 * the whole chain (weigh-views.ts: where the mark sits, the shapes, the level head, the view head);
 * one it overturns is uncertain. With no view from metadata, reference, view head or landmark, the
 * view whose level template the body shapes along the chain fit better (else a guess from the
 * shapes alone).
 */
export function settleView(
  decision: ViewDecision,
  bodies: Bodies,
  chain: SpineChain,
  features: ChainFeatures,
  o: FusionOptions,
  viewScores?: Record<View, number>,
): ViewDecision {
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
