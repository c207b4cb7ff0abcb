import type { Patient } from './anatomy.js';
import { boundsOf, place, type Box, type Placement } from './geometry.js';
import type { FilmRandom } from './random.js';

export type Facing = 'left' | 'right';
export type PartialMode = 'none' | 'top' | 'bottom' | 'both';

/** Where the film lies over the patient: its size in pixels and the world → pixel map. */
export interface Framing {
  width: number;
  height: number;
  /** Millimetres per pixel. */
  spacing: number;
  placement: Placement;
  /** How the framing was asked to cut the labelled range (the cut recorded is measured on the result). */
  intended: PartialMode;
}

const deg = Math.PI / 180;

/**
 * Frames the film: a small patient tilt, a field that covers the labelled range with margins (or,
 * for a partial view, whose top and/or bottom edge runs through a labelled body), an aspect ratio,
 * a long side of 600–2500 pixels, and the facing as a mirror.
 */
export function frameFilm(patient: Patient, rng: FilmRandom, partial: boolean, facing: Facing, maxLongSide = Infinity): Framing {
  const lumbar = patient.view === 'lumbar';
  const tilt = rng.gauss(0, 4) * deg;
  const turned = patient.bodies.map((b) => ({ ...b, box: boundsOf(b.outline.map((p) => place(p, { angle: tilt, scale: 1, dx: 0, dy: 0 }))) }));
  const labelled = turned.filter((b) => b.labelled);
  const first = labelled[0]!;
  const last = labelled[labelled.length - 1]!;
  const intended: PartialMode = partial ? rng.pick(['top', 'top', 'bottom', 'bottom', 'both'] as const) : 'none';
  const through = (box: Box) => box.y0 + rng.between(0.3, 0.72) * (box.y1 - box.y0);
  let y0 = first.box.y0 - (lumbar ? rng.between(15, 70) : rng.between(28, 65));
  let y1 = last.box.y1 + (lumbar ? rng.between(15, 60) : rng.between(10, 45));
  if (intended === 'top' || intended === 'both') y0 = through(labelled[rng.int(0, 1)]!.box);
  if (intended === 'bottom' || intended === 'both') y1 = through(labelled[labelled.length - 1 - rng.int(0, 1)]!.box);
  const spanX0 = Math.min(...turned.map((b) => b.box.x0)) - (lumbar ? 75 : 55);
  const spanX1 = Math.max(...turned.map((b) => b.box.x1)) + (lumbar ? 30 : 25);
  const fieldH = y1 - y0;
  const aspect = rng.between(0.8, 1.45);
  const fieldW = Math.max(fieldH / aspect, spanX1 - spanX0 + 10);
  const x0 = spanX0 - rng.between(0.15, 0.85) * (fieldW - (spanX1 - spanX0));
  const longSide = Math.min(rng.int(600, 2500), maxLongSide);
  const spacing = Math.max(fieldW, fieldH) / longSide;
  const width = Math.round(fieldW / spacing);
  const height = Math.round(fieldH / spacing);
  const placement: Placement = { angle: tilt, scale: 1 / spacing, dx: -x0 / spacing, dy: -y0 / spacing };
  if (facing === 'left') placement.mirrorWidth = width;
  return { width, height, spacing, placement, intended };
}

/**
 * The exposed field inside the film (collimator blades on some sides). On a full view the blades
 * stop short of the labelled bodies, so only a partial view cuts them.
 */
export function collimate(width: number, height: number, labelledBox: Box, intended: PartialMode, rng: FilmRandom): Box {
  const field: Box = { x0: 0, y0: 0, x1: width, y1: height };
  if (!rng.chance(0.45)) return field;
  const margin = (dim: number) => (rng.chance(0.6) ? rng.between(0.015, 0.07) * dim : 0);
  const keep = intended === 'none';
  const limit = (m: number, room: number) => (keep ? Math.max(0, Math.min(m, room - 4)) : m);
  field.x0 = limit(margin(width), labelledBox.x0);
  field.x1 = width - limit(margin(width), width - labelledBox.x1);
  field.y0 = limit(margin(height), labelledBox.y0);
  field.y1 = height - limit(margin(height), height - labelledBox.y1);
  return field;
}
