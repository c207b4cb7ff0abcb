import {
  foregroundOnFrame,
  instancesOnFrame,
  paintProbability,
  reframeDetection,
  zoomedFrame,
  type ForegroundMap,
  type Frame,
  type InstanceDetection,
  type InstanceSet,
} from '@vertxnet/core';
import { boxIou } from './mirror.js';

/*
 * The region pass, coarse to fine: on a film whose spine fills a small part of the field (a head
 * film, where the skull fills it and C2–C4 sit in a corner), a model whose manifest sets
 * `regionPass` runs again on a window around what it found, half the film's size, so that it sees
 * the vertebrae at twice the resolution and without the rest of the field. Its answer comes back
 * on a frame of the whole film twice as fine: the window's pass inside the window, the first pass
 * outside it (and, for detections, what the first pass saw that the window's did not), and the heads
 * (view, scope, facing, level grid) of the first pass, which saw the whole film. Fusion puts a
 * coarser answer of the other model on the same frame.
 */

/** The region pass runs only where what the first pass found spans at most this share of the film's long side. */
export const REGION_SHARE = 0.4;
/** The window is the film's long side over this (clamped to the film), and the answer's frame this much finer. */
export const REGION_ZOOM = 2;

/** A box in frame pixels: x0, y0 inclusive, x1, y1 exclusive. */
export interface FrameBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A window on the film in source pixels. */
export interface FilmWindow {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Parts of what a pass found this close belong to one spine: a share of the frame's long side, or
 * 1.5 times the first part's long side where that is more (a body the model missed leaves a gap of
 * about one body and two discs).
 */
export const REGION_LINK = 0.06;
/**
 * The region pass needs at least this many bodies gathered: a model that found one or two marks on
 * a film is no guide to where its spine is. The U-Net's count is lower: at the first pass's
 * resolution the bodies of a small spine merge into fewer parts (a head film's C2 and C3 are often one).
 */
export const REGION_MIN_BODIES = { detections: 3, foreground: 2 } as const;

/** What a pass found gathered into one spine: its box and how many distinct bodies it holds. */
export interface SpineExtent extends FrameBox {
  bodies: number;
}

/**
 * The spine the foreground shows, from its sure pixels (probability ≥ 0.9: at 0.5 neighbouring
 * bodies of a small spine merge across their discs, and the U-Net's diffuse marks elsewhere, such as
 * on the vault of a head film, join in): the largest connected part and every part within the link
 * distance of what is gathered so far. A part counts as a body when it has at least a quarter of the
 * first part's pixels. Undefined when no pixel is sure.
 */
export function foregroundExtent(map: ForegroundMap): SpineExtent | undefined {
  return gather(foregroundParts(map), map.frame);
}

/** Likewise for detections, from the best-scoring one; a box whose centre lies in a body already counted is the same body. */
export function detectionsExtent(set: InstanceSet): SpineExtent | undefined {
  const parts = set.detections.map((d, k) => ({
    x0: d.box[0],
    y0: d.box[1],
    x1: d.box[2],
    y1: d.box[3],
    weight: set.detections.length - k,
    mass: (d.box[2] - d.box[0]) * (d.box[3] - d.box[1]),
  }));
  return gather(parts, set.frame);
}

interface Part extends FrameBox {
  /** Gathering starts from the heaviest part. */
  weight: number;
  /** A part with a quarter of the first part's mass or more is a body. */
  mass: number;
}

function gather(parts: Part[], frame: Frame): SpineExtent | undefined {
  if (parts.length === 0) return undefined;
  const rest = [...parts].sort((a, b) => b.weight - a.weight);
  const first = rest.shift()!;
  const link = Math.max(REGION_LINK * Math.max(frame.width, frame.height), 1.5 * Math.max(first.x1 - first.x0, first.y1 - first.y0));
  const box: SpineExtent = { x0: first.x0, y0: first.y0, x1: first.x1, y1: first.y1, bodies: 1 };
  const counted: FrameBox[] = [first];
  const gap = (p: FrameBox) => Math.max(p.x0 - box.x1, box.x0 - p.x1, p.y0 - box.y1, box.y0 - p.y1, 0);
  for (let k = rest.findIndex((p) => gap(p) <= link); k >= 0; k = rest.findIndex((p) => gap(p) <= link)) {
    const p = rest.splice(k, 1)[0]!;
    box.x0 = Math.min(box.x0, p.x0);
    box.y0 = Math.min(box.y0, p.y0);
    box.x1 = Math.max(box.x1, p.x1);
    box.y1 = Math.max(box.y1, p.y1);
    const [cx, cy] = [(p.x0 + p.x1) / 2, (p.y0 + p.y1) / 2];
    if (p.mass >= first.mass / 4 && !counted.some((c) => cx >= c.x0 && cx < c.x1 && cy >= c.y0 && cy < c.y1)) {
      counted.push(p);
      box.bodies++;
    }
  }
  return box;
}

/** Probability 0.9 on the 0–255 scale of a foreground map. */
export const SURE_FOREGROUND = 230;

/** The 4-connected parts of the sure foreground, each with its box and pixel count. */
function foregroundParts(map: ForegroundMap): Part[] {
  const { width, height } = map.frame;
  const seen = new Uint8Array(width * height);
  const stack = new Int32Array(width * height);
  const parts: Part[] = [];
  for (let start = 0; start < width * height; start++) {
    if (seen[start] || map.probability[start]! < SURE_FOREGROUND) continue;
    const part: Part = { x0: width, y0: height, x1: 0, y1: 0, weight: 0, mass: 0 };
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    while (top > 0) {
      const i = stack[--top]!;
      const x = i % width;
      const y = (i - x) / width;
      part.weight++;
      part.mass++;
      part.x0 = Math.min(part.x0, x);
      part.y0 = Math.min(part.y0, y);
      part.x1 = Math.max(part.x1, x + 1);
      part.y1 = Math.max(part.y1, y + 1);
      for (const j of [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, y > 0 ? i - width : -1, y < height - 1 ? i + width : -1]) {
        if (j >= 0 && !seen[j] && map.probability[j]! >= SURE_FOREGROUND) {
          seen[j] = 1;
          stack[top++] = j;
        }
      }
    }
    parts.push(part);
  }
  return parts;
}

/**
 * The window for the region pass, centred on `extent` and clamped to the film; undefined when the
 * extent holds too few bodies to be a spine, or is too large for a window to see it finer.
 */
export function regionWindow(extent: SpineExtent | undefined, frame: Frame, minBodies: number): FilmWindow | undefined {
  if (!extent || extent.bodies < minBodies) return undefined;
  if (Math.max(extent.x1 - extent.x0, extent.y1 - extent.y0) > REGION_SHARE * Math.max(frame.width, frame.height)) return undefined;
  const { sourceWidth, sourceHeight, scale } = frame;
  const side = Math.ceil(Math.max(sourceWidth, sourceHeight) / REGION_ZOOM);
  const width = Math.min(side, sourceWidth);
  const height = Math.min(side, sourceHeight);
  const place = (centre: number, extentSide: number, filmSide: number) => Math.min(filmSide - extentSide, Math.max(0, Math.round(centre - extentSide / 2)));
  return {
    x: place((extent.x0 + extent.x1) / 2 / scale, width, sourceWidth),
    y: place((extent.y0 + extent.y1) / 2 / scale, height, sourceHeight),
    width,
    height,
  };
}

/** The window's pixels of a row-major 8-bit image `width` wide. */
export function cropImage(gray8: Uint8Array, width: number, window: FilmWindow): Uint8Array {
  const out = new Uint8Array(window.width * window.height);
  for (let y = 0; y < window.height; y++) {
    const from = (window.y + y) * width + window.x;
    out.set(gray8.subarray(from, from + window.width), y * window.width);
  }
  return out;
}

/** The first pass's foreground on the finer frame with the window's pass painted over the window. */
export function zoomForeground(coarse: ForegroundMap, fine: ForegroundMap, window: FilmWindow): ForegroundMap {
  const out = foregroundOnFrame(coarse, zoomedFrame(coarse.frame, REGION_ZOOM));
  paintProbability(fine.probability, fine.frame, window, out.frame, out.probability);
  return out;
}

/** A first-pass detection that a window-pass detection of its class overlaps this much (box IoU) is the same one. */
const SAME_DETECTION_IOU = 0.5;

/**
 * Both passes' detections on the finer frame: where both made a detection of one class on the same
 * place, the better-scored of the two (the window's on a tie); every other detection of either pass.
 * So what lies outside the window, and what the first pass saw better with the whole film in view
 * (a far-end landmark class such as T1, which the window without the shoulders shows less surely),
 * are kept.
 */
export function zoomInstances(coarse: InstanceSet, fine: InstanceSet, window: FilmWindow): InstanceSet {
  const into = zoomedFrame(coarse.frame, REGION_ZOOM);
  const windowed = fine.detections.map((d) => reframeDetection(d, fine.frame, window, into)).filter((d): d is InstanceDetection => !!d);
  const first = instancesOnFrame(coarse, into).detections;
  const same = (a: InstanceDetection, b: InstanceDetection) => a.className === b.className && boxIou(a.box, b.box) >= SAME_DETECTION_IOU;
  const kept = [
    ...windowed.filter((w) => !first.some((d) => same(d, w) && d.score > w.score)),
    ...first.filter((d) => !windowed.some((w) => same(d, w) && w.score >= d.score)),
  ];
  return { ...coarse, frame: into, detections: kept.sort((a, b) => b.score - a.score) };
}
