import { VIEW_LEVELS, type View } from '@vertxnet/core';
import type { Column, Vertebra } from './column.js';
import { toWorld } from './geometry.js';
import { outline } from './profile.js';
import type { Projection } from './projection.js';
import type { Rng } from './random.js';

export type Cut = 'none' | 'top' | 'bottom' | 'both';

/** Largest detector side, mm (a 35 × 43 cm plate). */
const DETECTOR = 430;

/** World box of a body's outline at the midsagittal plane. */
function extent(v: Vertebra): { x0: number; x1: number; y0: number; y1: number } {
  const pts = outline(v.body.profile, 6).map((q) => toWorld(v.body.frame, q.x, q.y));
  const xs = pts.map((p) => p.x);
  const ys = pts.map((p) => p.y);
  return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
}

/** Where the field's top and bottom edges lie (world y): margins round the labelled run, or inside a body. */
function verticalEdges(boxes: ReturnType<typeof extent>[], options: { view: View; cut: Cut; rng: Rng }): [number, number] {
  const { view, cut, rng } = options;
  const inside = (b: ReturnType<typeof extent>): number => b.y0 + rng.uniform(0.25, 0.8) * (b.y1 - b.y0);
  const n = boxes.length;
  const cervical = view === 'cervical';
  let top = boxes[0]!.y1 + rng.uniform(cervical ? 22 : 12, cervical ? 75 : 90);
  let bottom = boxes[n - 1]!.y0 - rng.uniform(cervical ? 12 : 25, cervical ? 55 : 110);
  if (cut === 'top' || cut === 'both') top = inside(boxes[rng.int(0, cut === 'both' ? 1 : 2)]!);
  if (cut === 'bottom' || cut === 'both') bottom = inside(boxes[n - 1 - rng.int(0, cut === 'both' ? 1 : 2)]!);
  return [top, bottom];
}

/**
 * Detector mm per pixel: a panel's pitch (0.1–0.2 mm) or an export binned a little coarser, with at
 * most 2,600 pixels on the long side; some exports are downsampled copies of 600–1,100 pixels.
 */
function spacingFor(longSide: number, rng: Rng): number {
  const pixels = rng.chance(0.15) ? rng.uniform(600, 1100) : Math.min(2600, Math.max(600, longSide / rng.uniform(0.1, 0.24)));
  return longSide / pixels;
}

/**
 * Sets up the exposure geometry and the field: tube distance, patient-to-detector distance, the field
 * round the labelled run (or cut through it), its shape and offset, and the pixel grid.
 */
export function frameFilm(column: Column, options: { partialShare: number }, rng: Rng): { proj: Projection; intent: Cut } {
  const view = column.view;
  const cervical = view === 'cervical';
  const sid = cervical ? rng.uniform(1500, 1830) : rng.uniform(1000, 1300);
  const midHeight = cervical ? rng.uniform(130, 200) : rng.uniform(170, 240);
  const m = sid / (sid - midHeight);
  const labelled = VIEW_LEVELS[view].map((l) => column.vertebrae.find((v) => v.level === l)!);
  const boxes = labelled.map(extent);
  const intent: Cut = rng.chance(options.partialShare) ? rng.pick(['top', 'top', 'bottom', 'bottom', 'both'] as const) : 'none';
  let [top, bottom] = verticalEdges(boxes, { view, cut: intent, rng });
  const span = boxes[0]!.y1 - boxes[boxes.length - 1]!.y0;
  const excess = (top - bottom) * m - DETECTOR;
  if (excess > 0) {
    // Too tall for a plate: give up margin, never the labelled run.
    const spare = top - bottom - span;
    const k = Math.max(0, 1 - excess / m / Math.max(1e-6, spare));
    if (intent === 'none' || intent === 'bottom') top = boxes[0]!.y1 + (top - boxes[0]!.y1) * k;
    if (intent === 'none' || intent === 'top') bottom = boxes[boxes.length - 1]!.y0 - (boxes[boxes.length - 1]!.y0 - bottom) * k;
  }
  const height = top - bottom;
  const bx0 = Math.min(...boxes.map((b) => b.x0));
  const bx1 = Math.max(...boxes.map((b) => b.x1));
  const width = Math.min(DETECTOR / m, Math.max(height * rng.uniform(0.62, 1.3), bx1 - bx0 + 50));
  let left = (bx0 + bx1) / 2 - rng.uniform(0.3, 0.7) * width;
  left = Math.min(bx0 - 12, Math.max(bx1 + 12 - width, left));
  const axis = { x: left + width / 2 + rng.uniform(-15, 15), y: bottom + height / 2 + rng.uniform(-15, 15) };
  const spacing = spacingFor(Math.max(width, height) * m, rng);
  const proj: Projection = {
    sid,
    midHeight,
    axis,
    left: (left - axis.x) * m,
    top: (top - axis.y) * m,
    spacing,
    width: Math.max(64, Math.round((width * m) / spacing)),
    height: Math.max(64, Math.round((height * m) / spacing)),
  };
  return { proj, intent };
}
