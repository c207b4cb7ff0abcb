import { round3 } from '../measure/geometry.js';
import { orderFlags } from '../qc.js';
import { isOutOfScope } from '../scope.js';
import type { FusionResult } from '../types.js';
import { imageFeatures, predict, vertebraFeatures, type CalibrationModel, type CalibrationSubject } from './model.js';

/**
 * The calibration step: qc.confidence becomes P(every label right), the uncalibrated value moves
 * to qc.rawConfidence, each labelled vertebra gets P(its level is right), and `needs-review` is
 * raised below the model's threshold. An out-of-scope film is left as it is: it has no labels,
 * and its flag already says what it is.
 */
export function applyCalibration(result: FusionResult, model: CalibrationModel): FusionResult {
  if (isOutOfScope(result)) return result;
  const c = calibrate(result, model);
  const vertebrae = result.vertebrae.map((v, i) => (c.levelProbability[i] === undefined ? v : { ...v, levelProbability: c.levelProbability[i] }));
  const flags = c.needsReview ? orderFlags([...result.qc.flags, 'needs-review']) : result.qc.flags;
  return { ...result, vertebrae, qc: { ...result.qc, flags, confidence: c.confidence, rawConfidence: result.qc.confidence } };
}

export interface Calibrated {
  /** P(every label right), 0 when nothing is labelled. */
  confidence: number;
  /** Per vertebra, P(level right); undefined when unlabelled. */
  levelProbability: (number | undefined)[];
  needsReview: boolean;
}

/** The calibrated figures of one result (a fusion result or a result.json read back): the fit script scores with this too. */
export function calibrate(s: CalibrationSubject, model: CalibrationModel): Calibrated {
  const labelled = s.vertebrae.some((v) => v.level !== null);
  const confidence = labelled && !s.qc.flags.includes('empty') ? round3(predict(model.image, imageFeatures(s))) : 0;
  return {
    confidence,
    levelProbability: s.vertebrae.map((v, i) => (v.level === null ? undefined : round3(predict(model.vertebra, vertebraFeatures(s, i))))),
    needsReview: confidence < model.needsReviewBelow,
  };
}
