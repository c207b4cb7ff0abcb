import type { Frame, InstanceDetection } from '@vertxnet/core';
import { FusionInputError } from './errors.js';

/** Classes that mark a reference vertebra. */
export const REFERENCE_CLASSES = ['C2', 'S1'] as const;
export type ReferenceClass = (typeof REFERENCE_CLASSES)[number];
/**
 * Classes fusion can count from: the references, then the level at each view's far end (T1 below a
 * cervical spine, T12 above a lumbar one) for films cut through the reference end. Every other
 * class name counts as a plain vertebra.
 */
export const LANDMARK_CLASSES = ['C2', 'S1', 'T1', 'T12'] as const;
export type LandmarkClass = (typeof LANDMARK_CLASSES)[number];

/** A detection clipped to the frame content, its mask cropped to its own bounding box. */
export interface Candidate {
  className: string;
  score: number;
  /** Best score for each landmark class among this detection and those it suppressed. */
  landmarkScore: Record<LandmarkClass, number>;
  x0: number;
  y0: number;
  /** Exclusive. */
  x1: number;
  y1: number;
  /** (x1 - x0) × (y1 - y0), 0/1. */
  mask: Uint8Array;
  area: number;
}

/** Throws FusionInputError on a detection that cannot be a model output. */
export function validateDetection(d: InstanceDetection, i: number): void {
  if (!Number.isFinite(d.score)) throw new FusionInputError(`detection ${i}: score is not finite`);
  const m = d.mask;
  if (!m || !(m.data instanceof Uint8Array)) throw new FusionInputError(`detection ${i}: mask data is not a Uint8Array`);
  if (!(Number.isInteger(m.width) && Number.isInteger(m.height) && m.width >= 0 && m.height >= 0)) {
    throw new FusionInputError(`detection ${i}: mask size ${m.width}x${m.height} is invalid`);
  }
  if (m.data.length !== m.width * m.height) {
    throw new FusionInputError(`detection ${i}: mask data has ${m.data.length} values for ${m.width}x${m.height}`);
  }
  if (!Number.isFinite(m.x) || !Number.isFinite(m.y)) throw new FusionInputError(`detection ${i}: mask origin is not finite`);
}

/**
 * Detections above the score threshold, at most `maxDetections` of them by score, clipped to the
 * frame content; masks under `minArea` pixels are dropped.
 */
export function candidatesFrom(detections: InstanceDetection[], frame: Frame, scoreThreshold: number, maxDetections: number, minArea: number): Candidate[] {
  detections.forEach(validateDetection);
  const kept = detections
    .filter((d) => d.score >= scoreThreshold)
    .sort((a, b) => b.score - a.score)
    .slice(0, maxDetections);
  const out: Candidate[] = [];
  for (const d of kept) {
    const m = d.mask;
    const mx = Math.round(m.x);
    const my = Math.round(m.y);
    // Mask rows/columns to scan (mask coordinates): all of it, or the box ± 2 px when the mask is a
    // full-frame paste (far larger than the box), which saves scanning a mostly empty frame per detection.
    const [scanX0, scanY0, scanX1, scanY1] = scanWindow(d, mx, my);
    let x0 = frame.width;
    let y0 = frame.height;
    let x1 = 0;
    let y1 = 0;
    for (let y = Math.max(scanY0, -my); y < scanY1 && y + my < frame.height; y++) {
      for (let x = Math.max(scanX0, -mx); x < scanX1 && x + mx < frame.width; x++) {
        if (!m.data[y * m.width + x]) continue;
        if (x + mx < x0) x0 = x + mx;
        if (x + mx + 1 > x1) x1 = x + mx + 1;
        if (y + my < y0) y0 = y + my;
        if (y + my + 1 > y1) y1 = y + my + 1;
      }
    }
    if (x1 <= x0 || y1 <= y0) continue;
    const w = x1 - x0;
    const mask = new Uint8Array(w * (y1 - y0));
    let area = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        if (m.data[(y - my) * m.width + (x - mx)]) {
          mask[(y - y0) * w + (x - x0)] = 1;
          area++;
        }
      }
    }
    if (area < minArea) continue;
    out.push({ className: d.className, score: d.score, landmarkScore: landmarkScoreOf(d.className, d.score), x0, y0, x1, y1, mask, area });
  }
  return out;
}

function scanWindow(d: InstanceDetection, mx: number, my: number): [number, number, number, number] {
  const m = d.mask;
  const full: [number, number, number, number] = [0, 0, m.width, m.height];
  const [bx0, by0, bx1, by1] = d.box ?? [];
  if (![bx0, by0, bx1, by1].every((v) => Number.isFinite(v)) || bx1! <= bx0! || by1! <= by0!) return full;
  if (m.width * m.height <= 4 * (bx1! - bx0!) * (by1! - by0!)) return full;
  return [
    Math.max(0, Math.floor(bx0!) - 2 - mx),
    Math.max(0, Math.floor(by0!) - 2 - my),
    Math.min(m.width, Math.ceil(bx1!) + 2 - mx),
    Math.min(m.height, Math.ceil(by1!) + 2 - my),
  ];
}

/** Pixels set in both masks. */
export function overlap(a: Candidate, b: Candidate): number {
  const x0 = Math.max(a.x0, b.x0);
  const x1 = Math.min(a.x1, b.x1);
  const y0 = Math.max(a.y0, b.y0);
  const y1 = Math.min(a.y1, b.y1);
  if (x1 <= x0 || y1 <= y0) return 0;
  const aw = a.x1 - a.x0;
  const bw = b.x1 - b.x0;
  let n = 0;
  for (let y = y0; y < y1; y++) {
    const ar = (y - a.y0) * aw - a.x0;
    const br = (y - b.y0) * bw - b.x0;
    for (let x = x0; x < x1; x++) n += a.mask[ar + x]! & b.mask[br + x]!;
  }
  return n;
}

/**
 * Greedy mask-NMS over score-sorted candidates. A suppressed detection hands its reference-class
 * score to the one that suppressed it: a 'C2' and a 'vertebra' on the same body make one C2 body.
 * (Landmark classes likewise.)
 */
export function maskNms(candidates: Candidate[], iouThreshold: number, containment: number): Candidate[] {
  const kept: Candidate[] = [];
  for (const c of candidates) {
    let winner: Candidate | undefined;
    for (const k of kept) {
      const inter = overlap(c, k);
      if (inter === 0) continue;
      const iou = inter / (c.area + k.area - inter);
      if (iou > iouThreshold || inter / Math.min(c.area, k.area) > containment) {
        winner = k;
        break;
      }
    }
    if (winner) {
      mergeLandmarkScores(winner, c);
    } else {
      kept.push(c);
    }
  }
  return kept;
}

/** The landmark scores of a detection of class `className`: its score for its own class, 0 elsewhere. */
export function landmarkScoreOf(className: string, score: number): Record<LandmarkClass, number> {
  const out = { C2: 0, S1: 0, T1: 0, T12: 0 };
  if (isLandmarkClass(className)) out[className] = score;
  return out;
}

export function isLandmarkClass(className: string): className is LandmarkClass {
  return (LANDMARK_CLASSES as readonly string[]).includes(className);
}

/**
 * Hands each hint's landmark scores to the kept body it overlaps most (IoU above `iouThreshold`, or
 * `containment` of the smaller mask inside the larger, as in NMS); a hint over no body is dropped.
 */
export function attachLandmarkHints(hints: Candidate[], kept: Candidate[], iouThreshold: number, containment: number): void {
  for (const h of hints) {
    let best: Candidate | undefined;
    let bestInter = 0;
    for (const k of kept) {
      const inter = overlap(h, k);
      if (inter <= bestInter) continue;
      const iou = inter / (h.area + k.area - inter);
      if (iou > iouThreshold || inter / Math.min(h.area, k.area) > containment) {
        best = k;
        bestInter = inter;
      }
    }
    if (best) mergeLandmarkScores(best, h);
  }
}

/** `into` keeps the better score of each landmark class of the two. */
function mergeLandmarkScores(into: Candidate, from: Candidate): void {
  for (const r of LANDMARK_CLASSES) into.landmarkScore[r] = Math.max(into.landmarkScore[r], from.landmarkScore[r]);
}
