import { REFERENCE_LEVEL, VIEW_LEVELS, verseCode, type ForegroundMap, type Frame, type InstanceSet, type View } from '@vertxnet/shared';
import { decodeChainLevels, fitChainToTemplate, type ChainBody } from './anchor.js';
import { orderAlongSpine, type Point } from './chain.js';
import { FusionInputError } from './errors.js';
import { attachLandmarkHints, maskNms, candidatesFrom, isLandmarkClass, type Candidate, type LandmarkClass, type ReferenceClass } from './instances.js';
import { labelChain } from './labelling.js';
import { bodyLevels, type BodyLevels } from './level-head.js';
import { connectedComponents, median, openMask, thresholdMask, type Rect } from './morphology.js';
import { resolveOptions, type FusionOptions } from './options.js';
import { imageConfidence, orderFlags, type QcFlag } from './qc.js';
import { plausibleBody, regionStats, spreadAlong, type RegionStats } from './regions.js';
import { unclaimedCores } from './seeds.js';
import { splitComponent } from './split.js';
import type { FusedVertebra, FusionInput, FusionResult, VertebraSource } from './types.js';
import { decideView, guessViewFromShape, type ViewDecision } from './view.js';

interface Region {
  source: VertebraSource;
  instance?: Candidate;
}

/** U-Net-only bodies are trusted less than bodies both models found; see docs/FUSION.md. */
const UNET_ONLY_WEIGHT = 0.6;
const MASKRCNN_ONLY_WEIGHT = 0.8;
/** An instance belongs to a component when this share of its mask lies inside it. */
const MIN_COVER = 0.3;
/** A component this many typical bodies large is searched for several bodies even without instances. */
const FUSED_AREA = 1.6;
/** Erosion (× typical body side) that separates bodies joined by bridges when looking for missed ones. */
const CORE_EROSION = 0.15;
/** Smallest eroded core (× typical body area) taken as a missed body. */
const CORE_AREA = 0.2;
/** An instance whose U-Net component covers less than this share of its mask completes the body with it. */
const UNDERSEGMENTED = 0.75;

/** The level at the far end of each view's labelled range, counted from when the reference is cut off. */
const FAR_END_LANDMARK: Readonly<Record<View, LandmarkClass>> = { cervical: 'T1', lumbar: 'T12' };

/**
 * The ensemble rule: U-Net components give boundaries, Mask R-CNN instances split and complete
 * them, bodies are chained along the spine and counted from the reference vertebra (or a far-end landmark).
 */
export function fuse(input: FusionInput, options?: Partial<FusionOptions>): FusionResult {
  const o = resolveOptions(options);
  const { frame, foreground, instances } = checkInput(input);
  const W = frame.width;
  const H = frame.height;
  const flags = new Set<QcFlag>();
  if (!foreground) flags.add('unet-missing');
  if (!instances) flags.add('maskrcnn-missing');

  const unit = Math.max(W, H) / 512;
  const minArea = Math.max(4, Math.round(12 * unit * unit));
  const radius = o.openingRadius === 'auto' ? Math.max(1, Math.round(unit)) : o.openingRadius;
  const thresholded = foreground ? thresholdMask(foreground.probability, W, H, o.foregroundThreshold, radius + 1) : undefined;
  const raw = thresholded?.mask;
  const fgRect = thresholded?.bounds ?? null;
  const fgMask = raw ? (fgRect ? openMask(raw, W, H, radius, fgRect) : raw) : undefined;
  const comps = fgMask && fgRect ? connectedComponents(fgMask, W, H, fgRect) : undefined;
  const cands = instances ? instanceCandidates(instances, frame, o, minArea) : [];
  // Every later pass only visits the rectangle holding the foreground and the instances.
  const roi = unionRect(fgRect, cands);

  const compAreas = comps ? Array.from(comps.area.subarray(1)).filter((a) => a >= minArea) : [];
  const typicalArea = cands.length >= 3 || compAreas.length === 0 ? median(cands.map((c) => c.area)) : median(compAreas);
  const typicalSide = Math.sqrt(typicalArea);

  // Which component each instance belongs to (most overlap, at least MIN_COVER of its mask).
  const byComponent = new Map<number, Candidate[]>();
  const claimed = new Map<number, number>();
  const covered = new Map<Candidate, number>();
  const uncovered: Candidate[] = [];
  for (const c of cands) {
    const comp = comps ? mainComponent(c, comps.labels, W) : undefined;
    if (comp && comp.overlap >= MIN_COVER * c.area && comps!.area[comp.id]! >= minArea) {
      const list = byComponent.get(comp.id) ?? [];
      list.push(c);
      byComponent.set(comp.id, list);
      claimed.set(comp.id, (claimed.get(comp.id) ?? 0) + comp.overlap);
      covered.set(c, comp.overlap);
    } else {
      uncovered.push(c);
    }
  }

  const regionMap = new Int32Array(W * H);
  const regions: Region[] = [];
  if (comps) {
    let covs: RegionStats | undefined;
    for (let id = 1; id <= comps.count; id++) {
      const area = comps.area[id]!;
      const inside = byComponent.get(id) ?? [];
      const b = 4 * id;
      const bbox: [number, number, number, number] = [comps.bbox[b]!, comps.bbox[b + 1]!, comps.bbox[b + 2]!, comps.bbox[b + 3]!];
      // Bodies the instance model missed inside this component (a fused run, or U-Net only).
      const big = area > FUSED_AREA * typicalArea;
      // Cheap test first: the unclaimed pixels must at least hold one core.
      const unclaimed = area - (claimed.get(id) ?? 0);
      const cores = (inside.length > 0 || big) && unclaimed >= CORE_AREA * typicalArea ? unclaimedCores(comps.labels, W, id, bbox, inside, Math.max(2, Math.round(CORE_EROSION * typicalSide)), CORE_AREA * typicalArea) : [];
      const seeds = [...inside, ...(inside.length > 0 || cores.length >= 2 ? cores : [])];
      if (seeds.length === 0) {
        if (area < Math.max(minArea, o.minRelativeArea * typicalArea)) continue;
        covs ??= regionStats(comps.labels, W, H, comps.count, undefined, fgRect ?? undefined);
        const c = 3 * id;
        if (!plausibleBody(area, covs.covariance[c]!, covs.covariance[c + 1]!, covs.covariance[c + 2]!, typicalArea)) continue;
        regions.push({ source: 'unet' });
        paintComponent(comps.labels, W, id, bbox, regionMap, regions.length);
      } else if (seeds.length === 1) {
        regions.push({ source: 'both', instance: seeds[0]! });
        paintComponent(comps.labels, W, id, bbox, regionMap, regions.length);
      } else {
        const first = regions.length + 1;
        for (const c of seeds) regions.push(c.score > 0 ? { source: 'both', instance: c } : { source: 'unet' });
        splitComponent(comps.labels, W, id, bbox, seeds, regionMap, first);
      }
    }
  }
  // Where the U-Net caught only part of a body (faint under the shoulders, cut by a plate), its
  // instance mask fills in the rest, where no other body is.
  regions.forEach((r, i) => {
    if (r.instance && r.instance.score > 0 && (covered.get(r.instance) ?? 0) < UNDERSEGMENTED * r.instance.area) paintInstance(r.instance, W, regionMap, i + 1);
  });
  for (const c of uncovered) {
    regions.push({ source: 'maskrcnn', instance: c });
    paintInstance(c, W, regionMap, regions.length);
  }

  const stats = regionStats(regionMap, W, H, regions.length, foreground?.probability, roi);
  const alive: number[] = [];
  for (let r = 1; r <= regions.length; r++) if (stats.area[r]! >= minArea) alive.push(r);
  const points: Point[] = alive.map((r) => [stats.centroid[2 * r]!, stats.centroid[2 * r + 1]!]);
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

/**
 * Bodies from the Mask R-CNN: detections at `scoreThreshold` or above, mask-NMS'd. A reference or
 * landmark detection scored under `scoreThreshold` but at its own class threshold makes no body of
 * its own; it only marks the body it overlaps (the landmark classes fire weaker than 'vertebra').
 */
function instanceCandidates(instances: InstanceSet, frame: Frame, o: FusionOptions, minArea: number): Candidate[] {
  const floor = Math.min(o.scoreThreshold, o.landmarkThreshold, o.referenceThreshold);
  const all = candidatesFrom(instances.detections, frame, floor, o.maxDetections, minArea);
  const kept = maskNms(all.filter((c) => c.score >= o.scoreThreshold), o.nmsIoU, o.nmsContainment);
  attachLandmarkHints(all.filter((c) => c.score < o.scoreThreshold && isLandmarkClass(c.className)), kept, o.nmsIoU, o.nmsContainment);
  return kept;
}

function unionRect(fg: Rect | null, cands: Candidate[]): Rect {
  const r: Rect = fg ? [...fg] : [Infinity, Infinity, 0, 0];
  for (const c of cands) {
    r[0] = Math.min(r[0], c.x0);
    r[1] = Math.min(r[1], c.y0);
    r[2] = Math.max(r[2], c.x1);
    r[3] = Math.max(r[3], c.y1);
  }
  return r[0] === Infinity ? [0, 0, 0, 0] : r;
}

function checkInput(input: FusionInput): { frame: Frame; foreground?: ForegroundMap; instances?: InstanceSet } {
  const { foreground, instances } = input ?? {};
  if (!foreground && !instances) throw new FusionInputError('neither a U-Net nor a Mask R-CNN output was given');
  const frame = (foreground ?? instances)!.frame;
  const valid = (f: Frame | undefined) => !!f && [f.width, f.height, f.size].every((v) => Number.isInteger(v) && v > 0) && f.width <= f.size && f.height <= f.size;
  if (!valid(frame)) throw new FusionInputError('analysis frame is malformed');
  if (foreground && instances) {
    const g = instances.frame;
    if (!valid(g) || g.width !== frame.width || g.height !== frame.height || g.size !== frame.size) {
      throw new FusionInputError(`U-Net frame ${frame.width}x${frame.height}/${frame.size} and Mask R-CNN frame ${g?.width}x${g?.height}/${g?.size} differ`);
    }
  }
  if (foreground && (!(foreground.probability instanceof Uint8Array) || foreground.probability.length !== frame.width * frame.height)) {
    throw new FusionInputError(`foreground has ${foreground.probability?.length} values for a ${frame.width}x${frame.height} frame`);
  }
  const grid = foreground?.levels;
  if (grid) {
    const shaped = [grid.width, grid.height].every((v) => Number.isInteger(v) && v > 0) && Array.isArray(grid.offsets) && grid.offsets.length > 0;
    if (!shaped || !(grid.probability instanceof Float32Array) || grid.probability.length !== grid.offsets.length * grid.width * grid.height) {
      throw new FusionInputError(`level grid is malformed (${grid.offsets?.length} offsets on ${grid.width}x${grid.height}, ${grid.probability?.length} values)`);
    }
  }
  if (instances && !Array.isArray(instances.detections)) throw new FusionInputError('instance detections are not an array');
  return { frame, ...(foreground ? { foreground } : {}), ...(instances ? { instances } : {}) };
}

function mainComponent(c: Candidate, labels: Int32Array, W: number): { id: number; overlap: number } | undefined {
  const counts = new Map<number, number>();
  const cw = c.x1 - c.x0;
  for (let y = c.y0; y < c.y1; y++) {
    for (let x = c.x0; x < c.x1; x++) {
      if (!c.mask[(y - c.y0) * cw + (x - c.x0)]) continue;
      const id = labels[y * W + x]!;
      if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  let best: { id: number; overlap: number } | undefined;
  for (const [id, overlap] of counts) if (!best || overlap > best.overlap) best = { id, overlap };
  return best;
}

function paintComponent(labels: Int32Array, W: number, id: number, bbox: [number, number, number, number], map: Int32Array, region: number): void {
  for (let y = bbox[1]; y < bbox[3]; y++) for (let x = bbox[0]; x < bbox[2]; x++) if (labels[y * W + x] === id) map[y * W + x] = region;
}

/** Paints an instance only where no region is yet: a U-Net boundary wins where both exist. */
function paintInstance(c: Candidate, W: number, map: Int32Array, region: number): void {
  const cw = c.x1 - c.x0;
  for (let y = c.y0; y < c.y1; y++) {
    for (let x = c.x0; x < c.x1; x++) if (c.mask[(y - c.y0) * cw + (x - c.x0)] && !map[y * W + x]) map[y * W + x] = region;
  }
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

