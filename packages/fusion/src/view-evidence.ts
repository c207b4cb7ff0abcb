import type { View } from '@vertxnet/core';
import type { ChainDecoding } from './anchor.js';
import type { LandmarkScores } from './view.js';

/**
 * Every piece of evidence on a film's view that fusion has once the chain is traced, each as a
 * number where positive speaks for cervical:
 * - `head`: the U-Net view head's log-odds of cervical (p clamped to [0.02, 0.98]; 0 without a head);
 * - `reference`: the strength of the best C2 class less that of the best S1, a score s counting
 *   −ln(1 − s) (s clamped to 0.98): 0 where none was found, and a class at 0.99 far surer than one
 *   at 0.7, as on the validation films (false C2 classes on style C's lumbar films score 0.6–0.85);
 * - `landmark`: the same for the best T1 and T12 marks;
 * - `decoding`: how much better, per chain body, the chain decodes as a cervical spine than as a
 *   lumbar one (rule 7's decoding: shapes, far-end marks, level head), clamped to ±3 nats;
 * - `shape`: the chain's median body depth/height below 1.3 (cervical bodies are near square,
 *   lumbar ones deeper than tall: rule 6's shape guess), in units of ln(depth/height)'s spread
 *   about its template (0.12), so that its weight is fitted on the scale of the others.
 */
export interface ViewEvidence {
  head: number;
  reference: number;
  landmark: number;
  decoding: number;
  shape: number;
}

export const VIEW_EVIDENCE_FEATURES = ['bias', 'head', 'reference', 'landmark', 'decoding', 'shape'] as const;
export type ViewEvidenceFeature = (typeof VIEW_EVIDENCE_FEATURES)[number];

/** A logistic model of P(cervical) over the evidence, and where its weights came from. */
export interface ViewEvidenceModel {
  weights: Record<ViewEvidenceFeature, number>;
  provenance: Record<string, unknown>;
}

const SCORE_CLAMP = 0.02;
const DECODING_CLAMP = 3;
const SHAPE_SPLIT = 1.3;
const SHAPE_SPREAD = 0.12;

export function viewEvidence(
  scores: LandmarkScores,
  viewScores: Record<View, number> | undefined,
  decoded: Record<View, ChainDecoding | undefined> | undefined,
  chainLength: number,
  depthOverHeight: readonly number[],
): ViewEvidence {
  const p = viewScores ? Math.min(1 - SCORE_CLAMP, Math.max(SCORE_CLAMP, viewScores.cervical / (viewScores.cervical + viewScores.lumbar || 1))) : 0.5;
  const perBody = decoded?.cervical && decoded.lumbar && chainLength >= 2 ? (decoded.lumbar.cost - decoded.cervical.cost) / chainLength : 0;
  const ratios = depthOverHeight.filter((r) => Number.isFinite(r) && r > 0).sort((a, b) => a - b);
  const median = ratios.length ? ratios[ratios.length >> 1]! : undefined;
  return {
    head: Math.log(p / (1 - p)),
    reference: strength(scores.C2) - strength(scores.S1),
    landmark: strength(scores.T1) - strength(scores.T12),
    decoding: Math.max(-DECODING_CLAMP, Math.min(DECODING_CLAMP, perBody)),
    shape: median !== undefined ? Math.log(SHAPE_SPLIT / median) / SHAPE_SPREAD : 0,
  };
}

function strength(score: number): number {
  return -Math.log(1 - Math.min(1 - SCORE_CLAMP, Math.max(0, score)));
}

export function evidenceRow(e: ViewEvidence): number[] {
  return VIEW_EVIDENCE_FEATURES.map((f) => (f === 'bias' ? 1 : e[f]));
}

/** P(cervical) under the model. */
export function cervicalProbability(e: ViewEvidence, model: ViewEvidenceModel): number {
  const row = evidenceRow(e);
  let z = 0;
  VIEW_EVIDENCE_FEATURES.forEach((f, i) => (z += model.weights[f] * row[i]!));
  return 1 / (1 + Math.exp(-z));
}
