import { VERSE_CODES, VIEW_LEVELS, type Level, type View } from '@vertxnet/core';
import { buildAnatomy } from './anatomy.js';
import { collimate } from './collimation.js';
import { drawAttenuation, drawExposure, expose } from './exposure.js';
import { plane, type Plane } from './filters.js';
import { frameFilm, type Cut } from './framing.js';
import { groundTruth, mirrorRecords, type BodyRecord } from './ground-truth.js';
import { burnIn } from './marker.js';
import { develop, drawLook } from './processing.js';
import { Rng } from './random.js';
import { traceBody } from './trace-body.js';
import { traceEllipsoid, traceEnvelope, tracePlate, traceTube, type Target } from './trace.js';
import type { Solid } from './solids.js';

/** One rendered film: display values in [0, 1] (bone bright) and its truth. */
export interface Film {
  seed: number;
  view: View;
  facing: 'left' | 'right';
  cut: Cut;
  width: number;
  height: number;
  pixels: Float32Array;
  bodies: (BodyRecord & { verseCode: number })[];
  levelsInView: Level[];
  /** How this film is exported when written at 8 bits: PNG, or JPEG at the given quality. */
  jpegQuality: number | null;
}

function trace(t: Target, solid: Solid): void {
  switch (solid.kind) {
    case 'body':
      return traceBody(t, solid);
    case 'ellipsoid':
      return traceEllipsoid(t, solid);
    case 'tube':
      return traceTube(t, solid);
    case 'plate':
      return tracePlate(t, solid);
    case 'envelope':
      return traceEnvelope(t, solid);
  }
}

/** Pixels round the middle of each labelled body: where an automatic exposure control would meter. */
function meterCells(records: BodyRecord[], width: number): number[] {
  return records
    .filter((r) => r.labelled)
    .flatMap((r) => {
      const [x, y, w, h] = r.bbox;
      const cells: number[] = [];
      for (const fx of [0.35, 0.5, 0.65]) for (const fy of [0.35, 0.5, 0.65]) cells.push(Math.floor(y + fy * h) * width + Math.floor(x + fx * w));
      return cells;
    });
}

/** Which ends of the labelled run the field cuts: a labelled level missing or clipped at that end. */
function cutOf(view: View, records: BodyRecord[]): Cut {
  const levels = VIEW_LEVELS[view];
  const whole = (level: Level): boolean => records.some((r) => r.level === level && r.labelled && !r.truncated);
  const top = !whole(levels[0]!);
  const bottom = !whole(levels[levels.length - 1]!);
  return top && bottom ? 'both' : top ? 'top' : bottom ? 'bottom' : 'none';
}

/** The labelled bodies' box, grown by a tenth of its size each way: where the window is read. */
function around(records: BodyRecord[], size: { width: number; height: number }): [number, number, number, number] {
  if (!records.length) return [0, 0, size.width, size.height];
  const x0 = Math.min(...records.map((r) => r.bbox[0]));
  const y0 = Math.min(...records.map((r) => r.bbox[1]));
  const x1 = Math.max(...records.map((r) => r.bbox[0] + r.bbox[2]));
  const y1 = Math.max(...records.map((r) => r.bbox[1] + r.bbox[3]));
  const grow = 0.1 * Math.max(x1 - x0, y1 - y0);
  return [Math.floor(x0 - grow), Math.floor(y0 - grow), Math.ceil(x1 + grow), Math.ceil(y1 + grow)];
}

function mirror(img: Plane): void {
  for (let y = 0; y < img.height; y++) img.data.subarray(y * img.width, (y + 1) * img.width).reverse();
}

/** Renders film `seed` of the given view: anatomy, geometry, line integrals, exposure, processing. */
export function renderFilm(seed: number, options: { view: View; partialShare: number }): Film {
  const rng = new Rng(seed);
  const anatomy = buildAnatomy(options.view, rng.fork(1));
  const { proj, intent } = frameFilm(anatomy.column, { partialShare: options.partialShare }, rng.fork(2));
  let records = groundTruth(anatomy.column, proj);
  const labelled = records.filter((r) => r.labelled);
  const open = collimate(proj, { keepClear: labelled.map((r) => r.polygon), cut: intent, rng: rng.fork(3) });
  const attenuation = plane(proj.width, proj.height);
  const target: Target = { data: attenuation.data, proj, mu: drawAttenuation(options.view, rng.fork(4)) };
  for (const solid of anatomy.solids) trace(target, solid);
  const scene = { attenuation, open, meter: meterCells(records, proj.width), spacing: proj.spacing };
  const { signal, unattenuated } = expose(scene, drawExposure(options.view, rng.fork(5)), rng.fork(6));
  const image = develop(signal, { unattenuated, open, roi: around(labelled, proj), spacing: proj.spacing, look: drawLook(rng.fork(7)) });
  const finish = rng.fork(8);
  const facing = finish.chance(0.5) ? 'right' : 'left';
  if (facing === 'left') {
    mirror(image);
    records = mirrorRecords(records, proj.width);
  }
  burnIn(image, { spacing: proj.spacing, avoid: records.filter((r) => r.labelled).map((r) => r.bbox), rng: finish.fork(1) });
  const order = new Map(anatomy.column.vertebrae.map((v, k) => [v.level, k]));
  return {
    seed,
    view: options.view,
    facing,
    cut: cutOf(options.view, records),
    width: proj.width,
    height: proj.height,
    pixels: image.data,
    bodies: records.map((r) => ({ ...r, verseCode: VERSE_CODES[r.level] ?? 0 })),
    levelsInView: records
      .filter((r) => r.labelled)
      .sort((a, b) => (order.get(a.level) ?? 0) - (order.get(b.level) ?? 0))
      .map((r) => r.level),
    jpegQuality: finish.chance(0.3) ? finish.int(70, 95) : null,
  };
}
