import type { Frame, InstanceSet } from '@vertxnet/core';
import { attachLandmarkHints, candidatesFrom, isLandmarkClass, maskNms, type Candidate } from '../instances.js';
import { connectedComponents, median, openMask, thresholdMask, type Components, type Rect } from '../morphology.js';
import type { FusionOptions } from '../options.js';
import type { CheckedInput } from './input.js';

/** Each model's output as masks: U-Net components, Mask R-CNN candidates, and the scale of a body. */
export interface ModelMasks {
  width: number;
  height: number;
  /** Smallest region kept as a body, in pixels (scaled with the frame). */
  minArea: number;
  /** The thresholded, opened U-Net foreground. */
  fgMask?: Uint8Array;
  /** Bounds of the thresholded foreground (null: none). */
  fgRect: Rect | null;
  components?: Components;
  candidates: Candidate[];
  /** The rectangle holding the foreground and the instances: every later pass visits only it. */
  roi: Rect;
  /** Median body area: of the instances when there are 3 or more, else of the components. */
  typicalArea: number;
  typicalSide: number;
}

/** Step 1: thresholds and opens the U-Net foreground, labels its components, NMS's the instances. */
export function maskModels(input: CheckedInput, o: FusionOptions): ModelMasks {
  const { frame, foreground, instances } = input;
  const W = frame.width;
  const H = frame.height;
  const unit = Math.max(W, H) / 512;
  const minArea = Math.max(4, Math.round(12 * unit * unit));
  const radius = o.openingRadius === 'auto' ? Math.max(1, Math.round(unit)) : o.openingRadius;
  const thresholded = foreground ? thresholdMask(foreground.probability, W, H, o.foregroundThreshold, radius + 1) : undefined;
  const raw = thresholded?.mask;
  const fgRect = thresholded?.bounds ?? null;
  const fgMask = raw ? (fgRect ? openMask(raw, W, H, radius, fgRect) : raw) : undefined;
  const components = fgMask && fgRect ? connectedComponents(fgMask, W, H, fgRect) : undefined;
  const candidates = instances ? instanceCandidates(instances, frame, o, minArea) : [];
  const roi = unionRect(fgRect, candidates);
  const compAreas = components ? Array.from(components.area.subarray(1)).filter((a) => a >= minArea) : [];
  const typicalArea = candidates.length >= 3 || compAreas.length === 0 ? median(candidates.map((c) => c.area)) : median(compAreas);
  return {
    width: W,
    height: H,
    minArea,
    ...(fgMask ? { fgMask } : {}),
    fgRect,
    ...(components ? { components } : {}),
    candidates,
    roi,
    typicalArea,
    typicalSide: Math.sqrt(typicalArea),
  };
}

/**
 * Bodies from the Mask R-CNN: detections at `scoreThreshold` or above, mask-NMS'd. A reference or
 * landmark detection scored under `scoreThreshold` but at its own class threshold makes no body of
 * its own; it only marks the body it overlaps (the landmark classes fire weaker than 'vertebra').
 */
export function instanceCandidates(instances: InstanceSet, frame: Frame, o: FusionOptions, minArea: number): Candidate[] {
  const floor = Math.min(o.scoreThreshold, o.landmarkThreshold, o.referenceThreshold);
  const all = candidatesFrom(instances.detections, frame, floor, o.maxDetections, minArea);
  const kept = maskNms(
    all.filter((c) => c.score >= o.scoreThreshold),
    o.nmsIoU,
    o.nmsContainment,
  );
  attachLandmarkHints(
    all.filter((c) => c.score < o.scoreThreshold && isLandmarkClass(c.className)),
    kept,
    o.nmsIoU,
    o.nmsContainment,
  );
  return kept;
}

/** The smallest rectangle holding the foreground bounds and every candidate ([0,0,0,0] for none). */
export function unionRect(fg: Rect | null, cands: readonly Candidate[]): Rect {
  const r: Rect = fg ? [...fg] : [Infinity, Infinity, 0, 0];
  for (const c of cands) {
    r[0] = Math.min(r[0], c.x0);
    r[1] = Math.min(r[1], c.y0);
    r[2] = Math.max(r[2], c.x1);
    r[3] = Math.max(r[3], c.y1);
  }
  return r[0] === Infinity ? [0, 0, 0, 0] : r;
}
