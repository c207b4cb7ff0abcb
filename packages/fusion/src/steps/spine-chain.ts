import { REFERENCE_LEVEL } from '@vertxnet/core';
import { orderAlongSpine } from '../chain.js';
import type { ReferenceClass } from '../instances.js';
import { median } from '../morphology.js';
import type { ViewDecision } from '../view.js';
import type { Bodies } from './bodies.js';
import type { Landmarks } from './landmarks.js';

/** The bodies ordered along the spine, cranial first ("body k" = bodies.alive[k]). */
export interface SpineChain {
  /** Body indices on the chain, cranial first. */
  order: number[];
  /** Body indices off the chain. */
  off: number[];
  /** Side of a typical body: the root of the median area (1 when none). */
  bodySide: number;
  /** The view's reference class (from the first view decision), and the body carrying it (-1: none). */
  refClass?: ReferenceClass;
  refK: number;
}

/**
 * Step 7: chains the body centroids from the reference body (when the view names one) and turns
 * the chain cranial first (lumbar chains start at S1; without a reference, the top body first).
 */
export function traceChain(bodies: Bodies, decision: ViewDecision, landmarks: Landmarks): SpineChain {
  const { points, alive, stats } = bodies;
  const bodySide = Math.sqrt(median(alive.map((r) => stats.area[r]!))) || 1;
  const refClass = decision.view ? (REFERENCE_LEVEL[decision.view] as ReferenceClass) : undefined;
  const refK = refClass ? landmarks.best[refClass] : -1;
  const chain = orderAlongSpine(points, { maxStep: 4.5 * bodySide, ...(refK >= 0 ? { start: refK } : {}) });
  let order = chain.order;
  if (refK >= 0 ? decision.view === 'lumbar' : order.length > 1 && points[order[0]!]![1] > points[order[order.length - 1]!]![1]) {
    order = [...order].reverse();
  }
  return { order, off: chain.off, bodySide, ...(refClass ? { refClass } : {}), refK };
}
