import type { View } from '@vertxnet/core';
import { fitChainToTemplate } from '../anchor.js';
import type { FusionOptions } from '../options.js';
import { decideView, guessViewFromShape, type ViewDecision } from '../view.js';
import { touchesEdge, type Bodies } from './bodies.js';
import type { ChainFeatures } from './chain-features.js';
import type { Landmarks } from './landmarks.js';
import type { SpineChain } from './spine-chain.js';

/**
 * Step 6: the view from metadata, the reference class (the better-scored of C2 and S1; one cut by
 * the film edge counts less), the view head or a far-end landmark (view.ts decideView).
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
  return decideView(hint, scores, viewScores, o.viewThreshold, referenceCut);
}

/**
 * Step 8: with no view from metadata, reference, view head or landmark, the view whose level
 * template the body shapes along the chain fit better (else a guess from the shapes alone).
 */
export function settleView(decision: ViewDecision, bodies: Bodies, chain: SpineChain, features: ChainFeatures, o: FusionOptions): ViewDecision {
  if (decision.view || bodies.alive.length === 0) return decision;
  const chainBodies = features.bodies();
  const cervical = chain.order.length >= 2 && o.templateAnchor ? fitChainToTemplate(chainBodies, 'cervical') : undefined;
  const lumbar = cervical ? fitChainToTemplate(chainBodies, 'lumbar') : undefined;
  const byFit = cervical && lumbar ? (cervical.cost <= lumbar.cost ? 'cervical' : 'lumbar') : undefined;
  return { view: byFit ?? guessViewFromShape(features.ratios()), source: 'position', uncertain: true };
}
