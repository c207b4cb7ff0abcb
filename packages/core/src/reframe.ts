import { frameFor, type BinaryMask, type ForegroundMap, type Frame, type InstanceDetection, type InstanceSet } from './analysis.js';

/*
 * Model outputs moved from one analysis frame of a film to another: from a frame made for a crop of
 * the film (its content starts at `origin`, in source pixels) or a coarser frame of the whole film,
 * onto a finer frame of the whole film. Sampling is nearest-neighbour at pixel centres, so a map
 * moved onto a frame twice as fine repeats each value in a 2 × 2 block.
 */

/** Where a frame's content starts on the film, in source pixels: (0, 0) for a frame of the whole film. */
export interface Origin {
  x: number;
  y: number;
}

export const FILM_ORIGIN: Readonly<Origin> = Object.freeze({ x: 0, y: 0 });

/** A frame of the whole film `zoom` times as fine as `frame` (model input side × zoom). */
export function zoomedFrame(frame: Frame, zoom: number): Frame {
  return frameFor(frame.sourceWidth, frame.sourceHeight, Math.round(frame.size * zoom));
}

/** The `from` pixel (column or row) under the centre of `into` pixel `i`, or -1 outside `from`'s content. */
function sampleAxis(i: number, into: Frame, from: Frame, origin: number, extent: number): number {
  const f = Math.floor(((i + 0.5) / into.scale - origin) * from.scale);
  return f >= 0 && f < extent ? f : -1;
}

/**
 * Writes the probabilities of `probability` (on `from`, content at `origin`) into `out` (on `into`,
 * into.width × into.height) where `from` covers the film; other pixels of `out` are left as they are.
 */
export function paintProbability(probability: Uint8Array, from: Frame, origin: Origin, into: Frame, out: Uint8Array): void {
  const columns = Int32Array.from({ length: into.width }, (_, x) => sampleAxis(x, into, from, origin.x, from.width));
  for (let y = 0; y < into.height; y++) {
    const fy = sampleAxis(y, into, from, origin.y, from.height);
    if (fy < 0) continue;
    const row = fy * from.width;
    for (let x = 0; x < into.width; x++) {
      const fx = columns[x]!;
      if (fx >= 0) out[y * into.width + x] = probability[row + fx]!;
    }
  }
}

/** A detection on `from` (content at `origin`) as it lies on `into`; undefined when nothing of it falls inside `into`'s content. */
export function reframeDetection(detection: InstanceDetection, from: Frame, origin: Origin, into: Frame): InstanceDetection | undefined {
  const k = into.scale / from.scale;
  const ox = origin.x * into.scale;
  const oy = origin.y * into.scale;
  const box: InstanceDetection['box'] = [detection.box[0] * k + ox, detection.box[1] * k + oy, detection.box[2] * k + ox, detection.box[3] * k + oy];
  const m = detection.mask;
  const x0 = Math.max(0, Math.floor(m.x * k + ox));
  const y0 = Math.max(0, Math.floor(m.y * k + oy));
  const x1 = Math.min(into.width, Math.ceil((m.x + m.width) * k + ox));
  const y1 = Math.min(into.height, Math.ceil((m.y + m.height) * k + oy));
  if (x1 <= x0 || y1 <= y0) return undefined;
  const mask: BinaryMask = { x: x0, y: y0, width: x1 - x0, height: y1 - y0, data: new Uint8Array((x1 - x0) * (y1 - y0)) };
  for (let y = y0; y < y1; y++) {
    const my = sampleAxis(y, into, from, origin.y, from.height) - m.y;
    if (my < 0 || my >= m.height) continue;
    for (let x = x0; x < x1; x++) {
      const mx = sampleAxis(x, into, from, origin.x, from.width) - m.x;
      if (mx >= 0 && mx < m.width) mask.data[(y - y0) * mask.width + (x - x0)] = m.data[my * m.width + mx]!;
    }
  }
  return { ...detection, box, mask };
}

/** A U-Net output of the whole film on a finer frame of it; the heads are the film's and carry over as they are. */
export function foregroundOnFrame(map: ForegroundMap, into: Frame): ForegroundMap {
  const probability = new Uint8Array(into.width * into.height);
  paintProbability(map.probability, map.frame, FILM_ORIGIN, into, probability);
  return { ...map, frame: into, probability };
}

/** A Mask R-CNN output of the whole film on another frame of it. */
export function instancesOnFrame(set: InstanceSet, into: Frame): InstanceSet {
  const detections = set.detections.map((d) => reframeDetection(d, set.frame, FILM_ORIGIN, into)).filter((d): d is InstanceDetection => !!d);
  return { ...set, frame: into, detections };
}
