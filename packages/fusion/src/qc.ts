/**
 * QC flags: each marks a reason for a reviewer to look at an image. Listed in the order a
 * reviewer should care about them.
 */
export const QC_FLAGS = [
  /**
   * Not a lateral cervical or lumbar film (AP/PA, oblique, chest, another region), as the DICOM
   * tags say: bodies are outlined, nothing is labelled or measured, confidence 0.
   */
  'out-of-scope',
  /** Nothing to label: no vertebral body survived fusion (or both models found nothing). */
  'empty',
  /**
   * The calibrated confidence (the probability that every label is right) is below the shipped
   * calibration's threshold (calibration/fitted.ts, docs/EVALUATION.md "Calibration"): a reader
   * should check the levels. Never on an out-of-scope film.
   */
  'needs-review',
  /**
   * No C2 (cervical) / S1 (lumbar) detection, or only one on a body the film edge cuts that the level
   * decoding overruled: labels were decoded from body shapes, the far-end landmark (T1 / T12) marks
   * and the U-Net's level head (anchor.ts).
   */
  'reference-not-found',
  /** The view came from neither metadata nor a reference class, or the two disagree. */
  'view-uncertain',
  /** The U-Net output was missing: fused from Mask R-CNN alone. */
  'unet-missing',
  /** The Mask R-CNN output was missing: fused from U-Net components alone, no reference class. */
  'maskrcnn-missing',
  /** A lumbosacral transitional vertebra is suspected: S1/L5 labels may be off by one. */
  'transitional-vertebra',
  /** A gap along the chain skipped one or more labels (a body missed by both models, or hidden). */
  'labels-skipped',
  /** The number of bodies is outside the plausible range for the view, or bodies lie off the chain. */
  'unexpected-count',
  /** The two models agree poorly (Dice of their foregrounds < 0.7, or many single-model bodies). */
  'model-disagreement',
  /** The raw per-image confidence (`qc.rawConfidence`) is below the low-confidence threshold (default 0.5). */
  'low-confidence',
] as const;

export type QcFlag = (typeof QC_FLAGS)[number];

export interface QualityControl {
  /** Raised flags, in QC_FLAGS order. */
  flags: QcFlag[];
  /**
   * 0..1: the calibrated probability that every label of the image is right (calibration/apply.ts);
   * 0 for an empty or out-of-scope film.
   */
  confidence: number;
  /** The uncalibrated score `imageConfidence` gives, which the calibration reads. */
  rawConfidence?: number;
  /** From the U-Net's scope head: the probability that the film is not a lateral spine film at all. */
  outOfScope?: number;
}

export interface ConfidenceFactors {
  /** Mean score of the labelled vertebrae (all vertebrae when none is labelled), 0..1. */
  meanVertebraScore: number;
  /** Score of the reference detection; undefined when none was found. */
  referenceScore: number | undefined;
  /** Without a reference: score of the far-end landmark (T1 / T12) counted from, if any. */
  landmarkScore?: number | undefined;
  /** Dice between the two models' foregrounds; undefined when a model is missing. */
  modelAgreement: number | undefined;
  flags: ReadonlySet<QcFlag>;
}

/** Multiplicative penalties for flags that make the labels less trustworthy. */
const FLAG_PENALTY: Partial<Record<QcFlag, number>> = {
  'view-uncertain': 0.8,
  'transitional-vertebra': 0.8,
  'labels-skipped': 0.85,
  'unexpected-count': 0.85,
};

/**
 * confidence = meanVertebraScore
 *            × (reference found ? 0.5 + 0.5·referenceScore : landmark found ? 0.4 + 0.4·landmarkScore : 0.35)
 *            × (both models ? 0.5 + 0.5·modelAgreement : 0.7)
 *            × Π penalty(flag)   (view-uncertain 0.8, transitional 0.8, skipped 0.85, count 0.85)
 * and 0 for an empty result. Labels hang on the reference, so its absence weighs most.
 */
export function imageConfidence(f: ConfidenceFactors): number {
  if (f.flags.has('empty')) return 0;
  let c = clamp01(f.meanVertebraScore);
  c *= f.referenceScore !== undefined ? 0.5 + 0.5 * clamp01(f.referenceScore) : f.landmarkScore !== undefined ? 0.4 + 0.4 * clamp01(f.landmarkScore) : 0.35;
  c *= f.modelAgreement === undefined ? 0.7 : 0.5 + 0.5 * clamp01(f.modelAgreement);
  for (const flag of f.flags) c *= FLAG_PENALTY[flag] ?? 1;
  return Math.round(clamp01(c) * 1000) / 1000;
}

export function orderFlags(flags: Iterable<QcFlag>): QcFlag[] {
  const set = new Set(flags);
  return QC_FLAGS.filter((f) => set.has(f));
}

function clamp01(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}
