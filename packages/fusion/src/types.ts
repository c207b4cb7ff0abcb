import type { ForegroundMap, Frame, InstanceSet, Level, View } from '@vertxnet/core';
import type { QualityControl } from './qc.js';

/** Physical pixel size of the SOURCE image, in mm. */
export interface PixelSpacing {
  /** Spacing between rows (vertical), mm. */
  row: number;
  /** Spacing between columns (horizontal), mm. */
  column: number;
  /** Where it came from, e.g. 'PixelSpacing', 'ImagerPixelSpacing', 'manifest'. */
  source?: string;
}

export interface FusionInput {
  foreground?: ForegroundMap;
  instances?: InstanceSet;
  /** The view from metadata (DICOM tags, manifest); wins over the reference class. */
  view?: View;
  pixelSpacing?: PixelSpacing;
}

export type ViewSource = 'metadata' | 'classifier' | 'reference' | 'landmark' | 'position' | 'weighed' | 'unknown';
export type VertebraSource = 'both' | 'unet' | 'maskrcnn';

export interface FusedVertebra {
  level: Level | null;
  verseCode: number | null;
  /** 0..1: the Mask R-CNN score, or the U-Net mean probability for U-Net-only bodies (discounted). */
  score: number;
  source: VertebraSource;
  /** [x0, y0, x1, y1) in frame pixels (x1, y1 exclusive). */
  bbox: [number, number, number, number];
  /** Pixels in the frame. */
  area: number;
  /** [x, y] in frame pixels (pixel centres at +0.5). */
  centroid: [number, number];
  /** Position along the spine chain, cranial first; null for bodies off the chain. */
  chainIndex: number | null;
  /** Calibrated probability that `level` is right (calibration/apply.ts); absent when unlabelled. */
  levelProbability?: number;
  /** The U-Net level head's probability of `level` over the body (steps/head-agreement.ts); absent when unlabelled or without a level head. */
  levelHeadProbability?: number;
}

export interface FusionResult {
  /** null only when nothing at all could be fused and no hint was given. */
  view: View | null;
  viewSource: ViewSource;
  frame: Frame;
  /** Frame content size (width × height): 0 none, k = index in `vertebrae` + 1. */
  instanceMap: Int32Array;
  /** Cranial to caudal along the chain, then bodies off the chain. */
  vertebrae: FusedVertebra[];
  qc: QualityControl;
  reference?: { level: Level; score: number };
  /** Without a reference: the far-end landmark (T1 / T12) the labels were counted from. */
  landmark?: { level: Level; score: number };
  pixelSpacing?: PixelSpacing;
  /** Dice between the U-Net foreground and the union of Mask R-CNN masks, when both exist. */
  modelAgreement?: number;
  /** From the U-Net's facing head: the side the patient faces as displayed, and its probability. */
  facing?: { side: 'left' | 'right'; probability: number };
  /** Set where a model read the film inverted (steps/polarity-step.ts): both models, or only one (`mixed`). */
  polarity?: 'inverted' | 'mixed';
  /** The U-Net view head's probability of `view` (steps/head-agreement.ts); absent without a view or a view head. */
  viewHeadProbability?: number;
  /** P(`view`) under the view-evidence model (docs/FUSION.md rule 6), where the evidence was weighed: not for a view from metadata. */
  viewEvidenceProbability?: number;
}
