import type { Rng } from '../prng.js';
import { roundedRecord } from '../record.js';
import { applyBackground, drawBackground, type BackgroundLook } from './background.js';
import { applyGrid, drawGrid, type GridLook } from './grid.js';
import { jpegRoundTrip } from './jpeg.js';
import { applyNoise, drawNoise, type NoiseLook } from './noise.js';
import { applySharpness, drawSharpness, type SharpnessLook } from './sharpness.js';
import { applyShutters, drawShutters, labelledBox, type Shutter } from './shutters.js';
import { applyTone, drawBand, drawTone, invert, type BandLook, type ToneLook } from './tone.js';

export const FILM_LOOKS = ['default', 'random'] as const;
/** `default`: the generator's own processing only; `random`: a randomised film look on top. */
export type FilmLookChoice = (typeof FILM_LOOKS)[number];

/** Everything the randomiser did to one film; recorded in the COCO image entry as `look`. */
export interface FilmLook {
  strength: number;
  /** Names of the stages that changed the film, in the order applied (for slicing an evaluation). */
  stages: string[];
  background: BackgroundLook | null;
  tone: ToneLook | null;
  band: BandLook | null;
  shutters: Shutter[];
  sharpness: SharpnessLook;
  grid: GridLook | null;
  noise: NoiseLook;
  inverted: boolean;
  /** Quality of a lossy re-compression, null for none. */
  jpegQuality: number | null;
}

/**
 * Draws a film look. `strength` (0–1) scales every magnitude from the identity to the full range and
 * the chance of the all-or-nothing stages (inversion, shutters, grid, re-compression).
 */
export function drawFilmLook(rng: Rng, strength: number, width: number, height: number, labelMask: Uint8Array): FilmLook {
  const s = strength;
  // One draw per stage in a fixed order, so each stage's parameters do not depend on the others' switches.
  const background = drawBackground(rng.fork('background'), s);
  const tone = drawTone(rng.fork('tone'), s);
  const band = drawBand(rng.fork('band'), s);
  const shutters = drawShutters(rng.fork('shutters'), s, width, height, labelledBox(labelMask, width, height));
  const sharpness = drawSharpness(rng.fork('sharpness'), s, Math.max(width, height));
  const grid = drawGrid(rng.fork('grid'), s);
  const noise = drawNoise(rng.fork('noise'), s);
  const jpeg = rng.fork('jpeg');
  const switches = rng.fork('switches');
  const look: FilmLook = {
    strength: s,
    stages: [],
    background: switches.chance(0.5) ? background : null,
    tone: switches.chance(0.8) ? tone : null,
    band: switches.chance(0.2) ? band : null,
    shutters,
    sharpness,
    grid: switches.chance(0.3 * s) ? grid : null,
    noise,
    inverted: switches.chance(0.2 * s),
    jpegQuality: switches.chance(0.3 * s) ? Math.round(100 - s * (100 - jpeg.range(8, 40))) : null,
  };
  const stages: string[] = [];
  if (look.background) stages.push('background');
  if (look.tone) stages.push(`tone-${look.tone.curve}`);
  if (look.band) stages.push('low-contrast');
  if (look.shutters.length > 0) stages.push('shutters');
  if (sharpness.blurPx > 0) stages.push('blur');
  if (sharpness.sharpen.length > 0) stages.push('sharpen');
  if (look.grid) stages.push('grid');
  if (noise.gaussian > 0 || noise.signal > 0) stages.push('noise');
  if (noise.grain > 0) stages.push('grain');
  if (look.inverted) stages.push('inverted');
  if (look.jpegQuality !== null) stages.push('jpeg');
  look.stages = stages;
  // The film is made with the rounded values, so the record is exactly what it shows.
  return roundedRecord(look);
}

const clamp01 = (image: Float32Array) => {
  for (let i = 0; i < image.length; i++) {
    const v = image[i]!;
    image[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
};

/** Applies a drawn look to a finished film in [0, 1] in place; the result stays in [0, 1]. */
export function applyFilmLook(image: Float32Array, width: number, height: number, look: FilmLook, rng: Rng): void {
  if (look.background) applyBackground(image, width, height, look.background);
  if (look.tone) applyTone(image, look.tone, look.band);
  else if (look.band) applyTone(image, { gain: 1, offset: 0, curve: 'gamma', shape: 1, knots: [] }, look.band);
  applyShutters(image, width, height, look.shutters);
  applySharpness(image, width, height, look.sharpness);
  if (look.grid) applyGrid(image, width, height, look.grid);
  clamp01(image);
  applyNoise(image, width, height, look.noise, rng);
  clamp01(image);
  if (look.inverted) invert(image);
  if (look.jpegQuality !== null) jpegRoundTrip(image, width, height, look.jpegQuality);
}
