import type { ImageEvaluation } from '../eval/evaluate.js';

export interface Correctness {
  /** Every ground-truth level identified (IoU ≥ 0.5 with the same level) and no predicted level the truth lacks. */
  allRight: boolean;
  /** Per predicted vertebra: its level's pixels overlap the truth's body of that level at IoU ≥ 0.5; null when unlabelled. */
  levelRight: (boolean | null)[];
}

/**
 * What the calibration learns to predict, judged by the eval's own matching (evaluateImage on
 * labels.png against the rasterised truth), so "right" means what identification means in
 * docs/EVALUATION.md.
 */
export function judgeLabels(evaluation: Pick<ImageEvaluation, 'levels' | 'extraLevels'>, predicted: readonly { verseCode: number | null }[]): Correctness {
  const identified = new Map(evaluation.levels.map((l) => [l.code, l.identified]));
  return {
    allRight: evaluation.extraLevels.length === 0 && evaluation.levels.every((l) => l.identified),
    levelRight: predicted.map((v) => (v.verseCode === null ? null : (identified.get(v.verseCode) ?? false))),
  };
}
