import { VIEW_LEVELS, verseCode } from '@vertxnet/shared';
import type { Candidate } from './instances.js';
import { median, type Rect } from './morphology.js';
import { resolveOptions, type FusionOptions } from './options.js';
import { imageConfidence, orderFlags, type QcFlag } from './qc.js';
import type { RegionStats } from './regions.js';
import { assignInstances } from './steps/assign.js';
import { paintBodies, surveyBodies } from './steps/bodies.js';
import { chainFeatures } from './steps/chain-features.js';
import { checkInput } from './steps/input.js';
import { findLandmarks } from './steps/landmarks.js';
import { assignLevels } from './steps/levels.js';
import { maskModels } from './steps/masks.js';
import { traceChain } from './steps/spine-chain.js';
import { readView, settleView } from './steps/view-step.js';
import type { FusedVertebra, FusionInput, FusionResult } from './types.js';

/** U-Net-only bodies are trusted less than bodies both models found; see docs/FUSION.md. */
const UNET_ONLY_WEIGHT = 0.6;
const MASKRCNN_ONLY_WEIGHT = 0.8;

/**
 * The ensemble rule: U-Net components give boundaries, Mask R-CNN instances split and complete
 * them, bodies are chained along the spine and counted from the reference vertebra (or a far-end landmark).
 */
export function fuse(input: FusionInput, options?: Partial<FusionOptions>): FusionResult {
  const o = resolveOptions(options);
  const checked = checkInput(input);
  const { frame, foreground, instances } = checked;
  const W = frame.width;
  const H = frame.height;
  const flags = new Set<QcFlag>();
  if (!foreground) flags.add('unet-missing');
  if (!instances) flags.add('maskrcnn-missing');

  // Bodies: masks → instances assigned to components → painted regions → measured bodies.
  const masks = maskModels(checked, o);
  const { fgMask, roi } = masks;
  const cands = masks.candidates;
  const bodies = surveyBodies(paintBodies(masks, assignInstances(masks), o), masks, foreground?.probability);
  const { regionMap, regions, stats, alive, points } = bodies;

  // Chain and view: the first view decision picks the reference the chain starts from.
  const landmarks = findLandmarks(bodies, o);
  const refOf = landmarks.score;
  const firstView = readView(input.view, bodies, landmarks, o.viewHead ? foreground?.viewScores : undefined, frame, o);
  const chain = traceChain(bodies, firstView, landmarks);
  const { order, refClass } = chain;
  const features = chainFeatures(bodies, chain, landmarks, { frame, roi, ...(foreground?.levels ? { levelGrid: foreground.levels } : {}), ...(instances ? { instances } : {}) }, o);
  const decision = settleView(firstView, bodies, chain, features, o);
  if (alive.length > 0 && (decision.uncertain || decision.source === 'position')) flags.add('view-uncertain');
  const view = decision.view;

  const labels = assignLevels(view, bodies, chain, landmarks, features, !!foreground?.levels, frame, o);
  const anchor = labels.anchor;
  if (labels.skipped) flags.add('labels-skipped');

  const sequence = [...order, ...chain.off.sort((a, b) => points[a]![1] - points[b]![1])];
  const newIndex = new Int32Array(regions.length + 1);
  sequence.forEach((k, i) => (newIndex[alive[k]!] = i + 1));
  const instanceMap = new Int32Array(W * H);
  for (let y = roi[1]; y < roi[3]; y++) {
    for (let i = y * W + roi[0], end = y * W + roi[2]; i < end; i++) if (regionMap[i]) instanceMap[i] = newIndex[regionMap[i]!]!;
  }

  const vertebrae: FusedVertebra[] = sequence.map((k, i) => {
    const r = alive[k]!;
    const region = regions[r - 1]!;
    const level = i < order.length ? labels.levels[i] ?? null : null;
    const meanProb = stats.probabilitySum[r]! / stats.area[r]! / 255;
    const inst = region.instance?.score ?? 0;
    const score = region.source === 'both' ? (inst + meanProb) / 2 : region.source === 'unet' ? UNET_ONLY_WEIGHT * meanProb : MASKRCNN_ONLY_WEIGHT * inst;
    const b = 4 * r;
    return {
      level,
      verseCode: level ? verseCode(level) : null,
      score: round3(score),
      source: region.source,
      bbox: [stats.bbox[b]!, stats.bbox[b + 1]!, stats.bbox[b + 2]!, stats.bbox[b + 3]!],
      area: stats.area[r]!,
      centroid: [round3(stats.centroid[2 * r]!), round3(stats.centroid[2 * r + 1]!)],
      chainIndex: i < order.length ? i : null,
    };
  });

  const referenceScore = labels.referenceScore;
  const landmarkScore = labels.landmark?.score;
  if (vertebrae.length === 0) flags.add('empty');
  else if (view && referenceScore === undefined) flags.add('reference-not-found');
  if (view === 'lumbar' && anchor !== undefined && transitionalSigns(order, anchor, (k) => refOf(k, 'S1'), alive, stats, o.scoreThreshold)) {
    flags.add('transitional-vertebra');
  }
  if (vertebrae.length > 0 && (chain.off.length > 0 || vertebrae.length < 3 || (view && vertebrae.length > VIEW_LEVELS[view].length + 2))) {
    flags.add('unexpected-count');
  }
  const modelAgreement = fgMask && instances ? dice(fgMask, cands, W, roi) : undefined;
  const singleModel = vertebrae.filter((v) => v.source !== 'both').length;
  if (fgMask && instances && ((modelAgreement ?? 1) < o.disagreementDice || (vertebrae.length > 0 && singleModel / vertebrae.length > 0.3))) {
    flags.add('model-disagreement');
  }
  const labelled = vertebrae.filter((v) => v.level !== null);
  const scored = labelled.length ? labelled : vertebrae;
  const confidence = imageConfidence({
    meanVertebraScore: scored.length ? scored.reduce((s, v) => s + v.score, 0) / scored.length : 0,
    referenceScore,
    landmarkScore,
    modelAgreement,
    flags,
  });
  if (confidence < o.lowConfidence) flags.add('low-confidence');

  return {
    view,
    viewSource: decision.source,
    frame,
    instanceMap,
    vertebrae,
    qc: { flags: orderFlags(flags), confidence },
    ...(referenceScore !== undefined && refClass ? { reference: { level: refClass, score: round3(referenceScore) } } : {}),
    ...(labels.landmark ? { landmark: { level: labels.landmark.level, score: round3(labels.landmark.score) } } : {}),
    ...(input.pixelSpacing ? { pixelSpacing: input.pixelSpacing } : {}),
    ...(modelAgreement !== undefined ? { modelAgreement: round3(modelAgreement) } : {}),
  };
}

function dice(fg: Uint8Array, cands: Candidate[], W: number, roi: Rect): number {
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
function transitionalSigns(order: number[], anchor: number, s1Score: (k: number) => number, alive: number[], stats: RegionStats, threshold: number): boolean {
  const neighbours = [order[anchor - 1], order[anchor + 1]].filter((k): k is number => k !== undefined);
  if (neighbours.some((k) => s1Score(k) >= threshold)) return true;
  const typical = median(alive.map((r) => stats.area[r]!));
  return order.slice(anchor + 1).some((k) => stats.area[alive[k]!]! >= 0.5 * typical);
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

