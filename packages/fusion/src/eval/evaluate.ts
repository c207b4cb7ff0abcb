import { levelOfCode } from '@vertxnet/core';
import { FusionInputError } from '../errors.js';

export interface LevelScore {
  level: string;
  code: number;
  /** Dice of predicted pixels with this code against ground-truth pixels with this code. */
  dice: number;
  iou: number;
  /** IoU ≥ 0.5: the vertebra is found AND carries the right label. */
  identified: boolean;
}

export interface DetectionScore {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

export interface ImageEvaluation {
  /** One entry per ground-truth level, cranial to caudal by code. */
  levels: LevelScore[];
  /** Mean of `levels[].dice` (0 when the image has no ground truth). */
  meanDice: number;
  /** Share of ground-truth levels identified. */
  identificationRate: number;
  /** Label-agnostic: bodies matched one-to-one at IoU ≥ 0.5 whatever their labels. */
  detection: DetectionScore;
  /** Predicted levels with no ground truth of the same code. */
  extraLevels: string[];
}

export const IDENTIFICATION_IOU = 0.5;

/**
 * Scores a predicted label mask against the ground truth (pixel = VerSe code, 0 background).
 * Dice is per ground-truth level on the same code, as the VertXNet papers score it: a missed or
 * mislabelled vertebra scores 0. A vertebra is identified when the predicted pixels of its code
 * overlap it with IoU ≥ 0.5. Detection is label-agnostic: each code's pixels form one body on
 * either side, matched greedily by IoU ≥ 0.5.
 */
export function evaluateImage(pred: Uint8Array, gt: Uint8Array, width: number, height: number): ImageEvaluation {
  const n = width * height;
  if (pred.length !== n || gt.length !== n) throw new FusionInputError(`masks have ${pred.length} and ${gt.length} values for ${width}x${height}`);
  const joint = new Int32Array(256 * 256);
  for (let i = 0; i < n; i++) joint[(pred[i]! << 8) | gt[i]!]!++;
  const predCount = new Int32Array(256);
  const gtCount = new Int32Array(256);
  for (let p = 0; p < 256; p++) {
    for (let g = 0; g < 256; g++) {
      const c = joint[(p << 8) | g]!;
      predCount[p]! += c;
      gtCount[g]! += c;
    }
  }
  const iouOf = (p: number, g: number) => {
    const inter = joint[(p << 8) | g]!;
    const union = predCount[p]! + gtCount[g]! - inter;
    return union > 0 ? inter / union : 0;
  };
  const levels: LevelScore[] = [];
  for (let c = 1; c < 256; c++) {
    if (!gtCount[c]) continue;
    const inter = joint[(c << 8) | c]!;
    const dice = (2 * inter) / (predCount[c]! + gtCount[c]!);
    const iou = iouOf(c, c);
    levels.push({ level: nameOf(c), code: c, dice, iou, identified: iou >= IDENTIFICATION_IOU });
  }
  const predCodes: number[] = [];
  const gtCodes: number[] = [];
  for (let c = 1; c < 256; c++) {
    if (predCount[c]) predCodes.push(c);
    if (gtCount[c]) gtCodes.push(c);
  }
  const pairs: { p: number; g: number; iou: number }[] = [];
  for (const p of predCodes)
    for (const g of gtCodes) {
      const iou = iouOf(p, g);
      if (iou >= IDENTIFICATION_IOU) pairs.push({ p, g, iou });
    }
  pairs.sort((a, b) => b.iou - a.iou);
  const usedP = new Set<number>();
  const usedG = new Set<number>();
  for (const { p, g } of pairs) {
    if (usedP.has(p) || usedG.has(g)) continue;
    usedP.add(p);
    usedG.add(g);
  }
  const tp = usedP.size;
  const fp = predCodes.length - tp;
  const fn = gtCodes.length - tp;
  return {
    levels,
    meanDice: levels.length ? levels.reduce((s, l) => s + l.dice, 0) / levels.length : 0,
    identificationRate: levels.length ? levels.filter((l) => l.identified).length / levels.length : 0,
    detection: { tp, fp, fn, precision: tp + fp ? tp / (tp + fp) : 0, recall: tp + fn ? tp / (tp + fn) : 0 },
    extraLevels: predCodes.filter((c) => !gtCount[c]).map(nameOf),
  };
}

export function nameOf(code: number): string {
  return levelOfCode(code) ?? `code-${code}`;
}
