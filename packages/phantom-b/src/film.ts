import { VERSE_CODES, VIEW_LEVELS, type Level, type View } from '@vertxnet/core';
import { drawPatient, type Patient } from './anatomy.js';
import { develop, drawProcessing } from './develop.js';
import { drawAcquisition, expose } from './exposure.js';
import { collimate, frameFilm, type Facing, type Framing } from './framing.js';
import { boundsOf, clipToBox, insideBox, place, polygonArea, type Box, type Point } from './geometry.js';
import { sideMarker } from './marker.js';
import { AttenuationMap, boneGrain } from './projection.js';
import { FilmRandom } from './random.js';
import { placeSolid } from './solids.js';

/** What to render: the seed decides everything else, unless facing is forced (for tests). */
export interface FilmSpec {
  seed: number;
  view: View;
  /** Chance that the film is a partial view cutting the labelled range. */
  partialShare: number;
  facing?: Facing;
  /** Caps the film's long side (pixels) for quick previews and tests; the anatomy drawn is the same. */
  maxLongSide?: number;
}

/** A body in the film, as the ground truth records it (pixel coordinates, clipped to the exposed field). */
export interface FilmBody {
  level: Level;
  labelled: boolean;
  verseCode: number;
  polygon: number[];
  area: number;
  bbox: [number, number, number, number];
  truncated: boolean;
}

export interface Film {
  width: number;
  height: number;
  /** Display values 0..1, row-major. */
  pixels: Float32Array;
  view: View;
  seed: number;
  facing: Facing;
  cut: string;
  levelsInView: Level[];
  bodies: FilmBody[];
}

/** The geometry of one film, before any pixel is formed: the patient, the framing and the ground truth. */
export interface FilmLayout {
  spec: FilmSpec;
  rng: FilmRandom;
  facing: Facing;
  marker: 'L' | 'R';
  patient: Patient;
  framing: Framing;
  /** The exposed field (inside the collimator blades), film pixels. */
  field: Box;
  labelledBox: Box;
  bodies: FilmBody[];
  cut: string;
}

/** Draws everything but the pixels; the random stream continues into rendering. */
export function layoutFilm(spec: FilmSpec): FilmLayout {
  const rng = new FilmRandom(spec.seed);
  const drawnFacing: Facing = rng.chance(0.5) ? 'left' : 'right';
  const facing = spec.facing ?? drawnFacing;
  const partial = rng.chance(spec.partialShare);
  const marker = rng.chance(0.5) ? 'L' : 'R';
  const patient = drawPatient(spec.view, rng);
  const framing = frameFilm(patient, rng, partial, facing, spec.maxLongSide);
  const placed = patient.bodies.map((b) => ({ ...b, px: b.outline.map((p) => place(p, framing.placement)) }));
  const labelledBox = boundsOf(placed.filter((b) => b.labelled).flatMap((b) => b.px));
  const field = collimate(framing.width, framing.height, labelledBox, framing.intended, rng);
  const bodies = placed.map((b) => groundTruth(b.level, b.labelled, b.px, field)).filter((b): b is FilmBody => b !== undefined);
  const cut = cutOf(
    spec.view,
    bodies.filter((b) => b.labelled),
  );
  return { spec, rng, facing, marker, patient, framing, field, labelledBox, bodies, cut };
}

/** Renders one film from its seed: projection, exposure, processing. */
export function renderFilm(spec: FilmSpec): Film {
  const layout = layoutFilm(spec);
  const { rng, framing, field, labelledBox } = layout;
  const { width, height, spacing } = framing;
  const att = new AttenuationMap(
    width,
    height,
    boneGrain(width, height, spacing, rng.between(0.06, 0.16), () => rng.normal()),
  );
  for (const solid of layout.patient.solids) att.add(placeSolid(solid, framing.placement));
  for (const solid of sideMarker(layout.marker, field, labelledBox, spacing, rng)) att.add(solid);
  const acquisition = drawAcquisition(rng);
  const signal = expose(att.data, width, height, field, spacing, acquisition, spineReference(att, labelledBox), rng);
  const pixels = develop(signal, width, height, field, spacing, drawProcessing(rng));
  const levelsInView = layout.bodies.filter((b) => b.labelled).map((b) => b.level);
  return { width, height, pixels, view: spec.view, seed: spec.seed, facing: layout.facing, cut: layout.cut, levelsInView, bodies: layout.bodies };
}

/** Mean line integral over the middle of the labelled bodies: what the exposure control measures. */
function spineReference(att: AttenuationMap, box: Box): number {
  const cx = (box.x0 + box.x1) / 2;
  const cy = (box.y0 + box.y1) / 2;
  const r = Math.max(2, Math.min(box.x1 - box.x0, box.y1 - box.y0) / 6);
  let sum = 0;
  let n = 0;
  for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(att.height, cy + r); y++) {
    for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(att.width, cx + r); x++) {
      sum += att.data[y * att.width + x]!;
      n++;
    }
  }
  return n ? sum / n : 0;
}

/** A body seen through the exposed field: kept when at least a tenth of it shows. */
function groundTruth(level: Level, labelled: boolean, px: Point[], field: Box): FilmBody | undefined {
  const full = polygonArea(px);
  const clipped = clipToBox(px, field);
  if (clipped.length < 3) return undefined;
  const area = polygonArea(clipped);
  if (area < 0.1 * full) return undefined;
  const box = boundsOf(clipped);
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return {
    level,
    labelled,
    verseCode: VERSE_CODES[level]!,
    polygon: clipped.flatMap((p) => [r(p.x), r(p.y)]),
    area: r(area),
    bbox: [r(box.x0), r(box.y0), r(box.x1 - box.x0), r(box.y1 - box.y0)],
    truncated: !insideBox(px, field),
  };
}

/** 'none' when every labelled level shows whole; else which end of the range is cut. */
function cutOf(view: View, labelled: FilmBody[]): string {
  const levels = VIEW_LEVELS[view];
  const whole = (level: Level) => labelled.some((b) => b.level === level && !b.truncated);
  const top = !whole(levels[0]!);
  const bottom = !whole(levels[levels.length - 1]!);
  return top && bottom ? 'both' : top ? 'top' : bottom ? 'bottom' : 'none';
}
