import { REFERENCE_LEVEL, VIEW_LEVELS, verseCode, type View } from '@vertxnet/shared';
import { decodeChainLevels, fitChainToTemplate, type ChainBody } from './anchor.js';
import { orderAlongSpine, type Point } from './chain.js';
import type { Candidate, LandmarkClass, ReferenceClass } from './instances.js';
import { labelChain } from './labelling.js';
import { bodyLevels, type BodyLevels } from './level-head.js';
import { median, type Rect } from './morphology.js';
import { resolveOptions, type FusionOptions } from './options.js';
import { imageConfidence, orderFlags, type QcFlag } from './qc.js';
import { spreadAlong, type RegionStats } from './regions.js';
import { assignInstances } from './steps/assign.js';
import { paintBodies, surveyBodies } from './steps/bodies.js';
import { checkInput } from './steps/input.js';
import { maskModels } from './steps/masks.js';
import type { FusedVertebra, FusionInput, FusionResult } from './types.js';
import { decideView, guessViewFromShape, type ViewDecision } from './view.js';

/** U-Net-only bodies are trusted less than bodies both models found; see docs/FUSION.md. */
const UNET_ONLY_WEIGHT = 0.6;
const MASKRCNN_ONLY_WEIGHT = 0.8;

/** The level at the far end of each view's labelled range, counted from when the reference is cut off. */
const FAR_END_LANDMARK: Readonly<Record<View, LandmarkClass>> = { cervical: 'T1', lumbar: 'T12' };

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
  const { regionMap, regions, stats, alive, points } = surveyBodies(paintBodies(masks, assignInstances(masks), o), masks, foreground?.probability);
  const refOf = (k: number, cls: LandmarkClass) => {
    const s = regions[alive[k]! - 1]!.instance?.landmarkScore[cls] ?? 0;
    return s >= (cls === 'C2' || cls === 'S1' ? o.referenceThreshold : o.landmarkThreshold) ? s : 0;
  };
  const bestRef = (cls: LandmarkClass) => alive.reduce((best, _, k) => (refOf(k, cls) > (best < 0 ? 0 : refOf(best, cls)) ? k : best), -1);
  const best = { C2: bestRef('C2'), S1: bestRef('S1'), T1: bestRef('T1'), T12: bestRef('T12') };
  const c2 = best.C2;
  const s1 = best.S1;
  const scoreOf = (cls: LandmarkClass) => (best[cls] < 0 ? 0 : refOf(best[cls], cls));
  const viewScores = o.viewHead ? foreground?.viewScores : undefined;
  // Touches the film edge: its shape says nothing, and a reference class on it may be a cut neighbour.
  const isCut = (r: number) => {
    const b = 4 * r;
    return stats.bbox[b]! <= 1 || stats.bbox[b + 1]! <= 1 || stats.bbox[b + 2]! >= W - 1 || stats.bbox[b + 3]! >= H - 1;
  };
  // The reference decideView reads the view from (the better-scored of C2 and S1).
  const bestRefK = scoreOf('C2') >= scoreOf('S1') ? c2 : s1;
  const referenceCut = o.cutReferenceCost > 0 && bestRefK >= 0 && isCut(alive[bestRefK]!);
  let decision: ViewDecision = decideView(input.view, { C2: scoreOf('C2'), S1: scoreOf('S1'), T1: scoreOf('T1'), T12: scoreOf('T12') }, viewScores, o.viewThreshold, referenceCut);

  const bodySide = Math.sqrt(median(alive.map((r) => stats.area[r]!))) || 1;
  const refClass = decision.view ? (REFERENCE_LEVEL[decision.view] as ReferenceClass) : undefined;
  const refK = refClass ? (refClass === 'C2' ? c2 : s1) : -1;
  const chain = orderAlongSpine(points, { maxStep: 4.5 * bodySide, ...(refK >= 0 ? { start: refK } : {}) });
  let order = chain.order;
  if (refK >= 0 ? decision.view === 'lumbar' : order.length > 1 && points[order[0]!]![1] > points[order[order.length - 1]!]![1]) {
    order = [...order].reverse();
  }
  // Body shapes along the chain: only needed without a reference.
  let ratios: number[] | undefined;
  const ratiosOf = () => (ratios ??= depthOverHeight(order, points, alive, stats));
  // The level head's reading of each body: only needed to decode a chain (no reference, or a doubtful one).
  let levelsByRegion: Array<BodyLevels | undefined> | undefined;
  const levelsOf = (r: number) => {
    if (!foreground?.levels || o.levelWeight <= 0) return undefined;
    levelsByRegion ??= bodyLevels(regionMap, frame, regions.length, foreground.levels, roi);
    return levelsByRegion[r];
  };
  const chainBodies = (view?: View): ChainBody[] => {
    // An unmarked body is evidence only from a model that has the landmark class.
    const landmark = view && instances?.classes?.includes(FAR_END_LANDMARK[view]) ? FAR_END_LANDMARK[view] : undefined;
    return order.map((k, i) => {
      const r = alive[k]!;
      const truncated = isCut(r);
      const levels = view ? levelsOf(r) : undefined;
      return { ratio: ratiosOf()[i] ?? 0, area: stats.area[r]!, truncated, ...(landmark ? { marked: refOf(k, landmark) > 0 } : {}), ...(levels ? { levels } : {}) };
    });
  };
  // No view from metadata, reference, view head or landmark: the view whose template the body shapes fit better.
  if (!decision.view && alive.length > 0) {
    const bodies = chainBodies();
    const cervical = order.length >= 2 && o.templateAnchor ? fitChainToTemplate(bodies, 'cervical') : undefined;
    const lumbar = cervical ? fitChainToTemplate(bodies, 'lumbar') : undefined;
    const byFit = cervical && lumbar ? (cervical.cost <= lumbar.cost ? 'cervical' : 'lumbar') : undefined;
    decision = { view: byFit ?? guessViewFromShape(ratiosOf()), source: 'position', uncertain: true };
  }
  if (alive.length > 0 && (decision.uncertain || decision.source === 'position')) flags.add('view-uncertain');
  const view = decision.view;

  const chainPoints = order.map((k) => points[k]!);
  const found = refK >= 0 ? order.indexOf(refK) : -1;
  const doubtful = found >= 0 && o.cutReferenceCost > 0 && o.levelWeight > 0 && !!foreground?.levels && isCut(alive[refK]!);
  // No reference (or only a doubtful one): the most likely levels given the body shapes, the far-end
  // landmark marks and the level head (anchor.ts).
  const decoded =
    view && (found < 0 || doubtful) && order.length >= 1 && o.templateAnchor
      ? decodeChainLevels(chainBodies(view), view, undefined, o.levelWeight, doubtful ? { at: found, cost: o.cutReferenceCost } : undefined)
      : undefined;
  const refLevelIndex = view ? VIEW_LEVELS[view].indexOf(REFERENCE_LEVEL[view]) : 0;
  const overruled = doubtful && decoded !== undefined && decoded.firstLevelIndex !== refLevelIndex - found;
  const anchor = found >= 0 && !overruled ? found : undefined;
  const labels = view
    ? decoded && anchor === undefined
      ? labelChain(chainPoints, view, 0, o.gapRatio, 1.15 * bodySide, decoded.firstLevelIndex)
      : labelChain(chainPoints, view, anchor, o.gapRatio, 1.15 * bodySide)
    : { levels: order.map(() => null), skipped: false };
  // The landmark the labels rest on: a marked body the decoding calls T1 / T12.
  const landmarkClass = view && anchor === undefined ? FAR_END_LANDMARK[view] : undefined;
  const landmarkAt = landmarkClass ? labels.levels.findIndex((l, i) => l === landmarkClass && refOf(order[i]!, landmarkClass) > 0) : -1;
  const landmarkK = landmarkAt >= 0 ? order[landmarkAt]! : -1;
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

  const referenceScore = anchor !== undefined && refClass ? refOf(refK, refClass) : undefined;
  const landmarkScore = landmarkAt >= 0 ? refOf(landmarkK, landmarkClass!) : undefined;
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
    ...(landmarkScore !== undefined && landmarkClass ? { landmark: { level: landmarkClass, score: round3(landmarkScore) } } : {}),
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

/** Depth/height of each body: spread across vs along the local chain direction. */
function depthOverHeight(order: number[], points: Point[], alive: number[], stats: RegionStats): number[] {
  if (order.length < 2) return [];
  return order.map((k, i) => {
    const a = points[order[Math.max(0, i - 1)]!]!;
    const b = points[order[Math.min(order.length - 1, i + 1)]!]!;
    const d = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
    const ux = (b[0] - a[0]) / d;
    const uy = (b[1] - a[1]) / d;
    const r = alive[k]!;
    return spreadAlong(stats, r, -uy, ux) / (spreadAlong(stats, r, ux, uy) || 1);
  });
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

