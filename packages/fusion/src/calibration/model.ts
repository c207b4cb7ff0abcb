import { VIEW_LEVELS, type Level, type View } from '@vertxnet/core';
import type { QcFlag } from '../qc.js';

/**
 * The features the calibration reads, all from what result.json already carries, so that a fit
 * needs nothing but run folders and a refit needs no new run (scripts/calibrate.ts).
 */
export const IMAGE_FEATURES = [
  'bias',
  'logitRawConfidence',
  'referenceNotFound',
  'viewUncertain',
  'countTrouble',
  'modelDisagreement',
  'levelsMissing',
  'logitViewHead',
  'meanLogitLevelHead',
] as const;
export const VERTEBRA_FEATURES = ['bias', 'logitScore', 'logitRawConfidence', 'stepsFromAnchor', 'noReference', 'logitLevelHead'] as const;
export type ImageFeature = (typeof IMAGE_FEATURES)[number];
export type VertebraFeature = (typeof VERTEBRA_FEATURES)[number];

/** A logistic model: p = 1 / (1 + exp(−Σ weight·feature)). */
export type LogisticWeights<F extends string> = Record<F, number>;

export interface CalibrationModel {
  /** P(every label of the image is right). */
  image: LogisticWeights<ImageFeature>;
  /** P(this vertebra's level is right). */
  vertebra: LogisticWeights<VertebraFeature>;
  /** `needs-review` below this calibrated image probability. */
  needsReviewBelow: number;
  /** Lordosis is written only when both its end levels have at least this level probability. */
  measureFrom: number;
  provenance: Record<string, unknown>;
}

/** What the calibration reads of a fusion result or a result.json. */
export interface CalibrationSubject {
  view: View | null;
  /** The view head's probability of `view` (result.json `view.headProbability`). */
  viewHeadProbability?: number;
  qc: { flags: readonly QcFlag[]; confidence: number; rawConfidence?: number };
  reference?: { level: Level; score: number };
  landmark?: { level: Level; score: number };
  vertebrae: readonly { level: Level | null; score: number; levelHeadProbability?: number }[];
}

/** The uncalibrated confidence (qc.imageConfidence): rawConfidence once calibrated, else confidence. */
export function rawConfidenceOf(s: Pick<CalibrationSubject, 'qc'>): number {
  return s.qc.rawConfidence ?? s.qc.confidence;
}

export function imageFeatures(s: CalibrationSubject): Record<ImageFeature, number> {
  const has = (f: QcFlag) => (s.qc.flags.includes(f) ? 1 : 0);
  return {
    bias: 1,
    logitRawConfidence: logit(rawConfidenceOf(s)),
    referenceNotFound: has('reference-not-found'),
    viewUncertain: has('view-uncertain'),
    countTrouble: Math.max(has('labels-skipped'), has('unexpected-count'), has('transitional-vertebra')),
    modelDisagreement: has('model-disagreement'),
    // A body the models missed (often T1 under the shoulders) leaves every given label right but the film not.
    levelsMissing: s.view ? VIEW_LEVELS[s.view].filter((l) => !s.vertebrae.some((v) => v.level === l)).length : 0,
    // The heads read the whole film apart from the classes and shapes the labels rest on: where
    // they disagree with the labels, a film of an unfamiliar style is often counted wrong. A head
    // that is not there (a model without one, the U-Net missing) says nothing either way (p 0.5):
    // the fit always had them, so without them a film is not to be trusted as much.
    logitViewHead: headLogit(s.viewHeadProbability ?? 0.5),
    meanLogitLevelHead: mean(s.vertebrae.flatMap((v) => (v.level !== null ? [headLogit(v.levelHeadProbability ?? 0.5)] : []))),
  };
}

/** Features of vertebra i (labelled); levels are counted from the reference (or landmark), so distance from it matters. */
export function vertebraFeatures(s: CalibrationSubject, i: number): Record<VertebraFeature, number> {
  const v = s.vertebrae[i]!;
  const order = s.view ? VIEW_LEVELS[s.view] : [];
  const anchor = s.reference?.level ?? s.landmark?.level;
  const at = v.level !== null ? order.indexOf(v.level) : -1;
  const from = anchor !== undefined ? order.indexOf(anchor) : -1;
  return {
    bias: 1,
    logitScore: logit(v.score),
    logitRawConfidence: logit(rawConfidenceOf(s)),
    stepsFromAnchor: at >= 0 && from >= 0 ? Math.abs(at - from) : 0,
    noReference: s.reference ? 0 : 1,
    logitLevelHead: headLogit(v.levelHeadProbability ?? 0.5),
  };
}

/** A head's log-odds, p clamped to [0.02, 0.98] (the decoding's floor): beyond it a head is no surer. */
function headLogit(p: number): number {
  return logit(Math.min(0.98, Math.max(0.02, p)));
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

export function predict<F extends string>(weights: LogisticWeights<F>, x: Record<F, number>): number {
  let z = 0;
  for (const k of Object.keys(weights) as F[]) z += weights[k] * x[k];
  return sigmoid(z);
}

/** Log-odds, with p clamped to [0.001, 0.999] so that a confidence of 0 or 1 stays finite. */
export function logit(p: number): number {
  const q = Number.isFinite(p) ? Math.min(0.999, Math.max(0.001, p)) : 0.001;
  return Math.log(q / (1 - q));
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}
