import { VIEW_LEVELS } from '@vertxnet/core';
import type { Candidate } from '../instances.js';
import { median, type Rect } from '../morphology.js';
import type { FusionOptions } from '../options.js';
import { imageConfidence, orderFlags, type QcFlag, type QualityControl } from '../qc.js';
import type { RegionStats } from '../regions.js';
import type { ViewDecision } from '../view.js';
import type { Bodies } from './bodies.js';
import type { CheckedInput } from './input.js';
import type { Landmarks } from './landmarks.js';
import type { ChainLevels } from './levels.js';
import type { ModelMasks } from './masks.js';
import type { SpineChain } from './spine-chain.js';
import type { FusedBodies } from './vertebrae.js';

/** Everything fusion found, as the QC step reads it. */
export interface QualityEvidence {
  input: CheckedInput;
  masks: ModelMasks;
  bodies: Bodies;
  landmarks: Landmarks;
  chain: SpineChain;
  decision: ViewDecision;
  labels: ChainLevels;
  fused: FusedBodies;
}

export interface QualityReport {
  qc: QualityControl;
  /** Dice between the U-Net foreground and the union of Mask R-CNN masks, when both exist. */
  modelAgreement?: number;
}

/**
 * Step 11: raises the QC flags and rates the image. Flags are gathered in a fixed order:
 * imageConfidence multiplies their penalties in that order, so it must not change.
 */
export function checkQuality(e: QualityEvidence, o: FusionOptions): QualityReport {
  const { input, masks, bodies, chain, labels } = e;
  const { vertebrae } = e.fused;
  const view = e.decision.view;
  const flags = new Set<QcFlag>();
  if (!input.foreground) flags.add('unet-missing');
  if (!input.instances) flags.add('maskrcnn-missing');
  if (bodies.alive.length > 0 && (e.decision.uncertain || e.decision.source === 'position')) flags.add('view-uncertain');
  if (labels.skipped) flags.add('labels-skipped');
  if (vertebrae.length === 0) flags.add('empty');
  else if (view && labels.referenceScore === undefined) flags.add('reference-not-found');
  if (
    view === 'lumbar' &&
    labels.anchor !== undefined &&
    transitionalSigns(chain.order, labels.anchor, (k) => e.landmarks.score(k, 'S1'), bodies.alive, bodies.stats, o.scoreThreshold)
  ) {
    flags.add('transitional-vertebra');
  }
  if (vertebrae.length > 0 && (chain.off.length > 0 || vertebrae.length < 3 || (view && vertebrae.length > VIEW_LEVELS[view].length + 2))) {
    flags.add('unexpected-count');
  }
  const modelAgreement = masks.fgMask && input.instances ? dice(masks.fgMask, masks.candidates, masks.width, masks.roi) : undefined;
  const singleModel = vertebrae.filter((v) => v.source !== 'both').length;
  if (masks.fgMask && input.instances && ((modelAgreement ?? 1) < o.disagreementDice || (vertebrae.length > 0 && singleModel / vertebrae.length > 0.3))) {
    flags.add('model-disagreement');
  }
  const labelled = vertebrae.filter((v) => v.level !== null);
  const scored = labelled.length ? labelled : vertebrae;
  const confidence = imageConfidence({
    meanVertebraScore: scored.length ? scored.reduce((s, v) => s + v.score, 0) / scored.length : 0,
    referenceScore: labels.referenceScore,
    landmarkScore: labels.landmark?.score,
    modelAgreement,
    flags,
  });
  if (confidence < o.lowConfidence) flags.add('low-confidence');
  return { qc: { flags: orderFlags(flags), confidence }, ...(modelAgreement !== undefined ? { modelAgreement } : {}) };
}

/** Dice between the U-Net mask and the union of the instance masks, inside roi (1 when both are empty). */
export function dice(fg: Uint8Array, cands: readonly Candidate[], W: number, roi: Rect): number {
  const union = new Uint8Array(fg.length);
  for (const c of cands) paintInstanceBinary(c, W, union);
  let a = 0;
  let b = 0;
  let both = 0;
  for (let y = roi[1]; y < roi[3]; y++) {
    for (let i = y * W + roi[0], end = y * W + roi[2]; i < end; i++) {
      a += fg[i]!;
      b += union[i]!;
      both += fg[i]! & union[i]!;
    }
  }
  return a + b === 0 ? 1 : (2 * both) / (a + b);
}

function paintInstanceBinary(c: Candidate, W: number, out: Uint8Array): void {
  const cw = c.x1 - c.x0;
  for (let y = c.y0; y < c.y1; y++) for (let x = c.x0; x < c.x1; x++) if (c.mask[(y - c.y0) * cw + (x - c.x0)]) out[y * W + x] = 1;
}

/**
 * Signs of a lumbosacral transitional vertebra: a second S1-like detection next to the reference
 * on the chain, or a body-sized segment caudal to S1 (a lumbarised S1 leaves a mobile S1–S2 level).
 */
export function transitionalSigns(
  order: number[],
  anchor: number,
  s1Score: (k: number) => number,
  alive: number[],
  stats: RegionStats,
  threshold: number,
): boolean {
  const neighbours = [order[anchor - 1], order[anchor + 1]].filter((k): k is number => k !== undefined);
  if (neighbours.some((k) => s1Score(k) >= threshold)) return true;
  const typical = median(alive.map((r) => stats.area[r]!));
  return order.slice(anchor + 1).some((k) => stats.area[alive[k]!]! >= 0.5 * typical);
}
