import { VIEWS, type View } from '@vertxnet/core';
import { z } from 'zod';
import { ANATOMY_CHOICES } from './anatomy/variation.js';
import { FILM_LOOKS } from './look/film-look.js';

export const IMAGE_FORMATS = ['png8', 'png16', 'jpeg'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];
export type FormatChoice = ImageFormat | 'mix';
export type ViewChoice = View | 'mixed';

const share = z.number().min(0).max(1);

/** Options of one phantom; everything not given is drawn from the seed. */
export const phantomOptionsSchema = z.object({
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
  /** @defaultValue 'mixed' (drawn from the seed) */
  view: z.enum([...VIEWS, 'mixed']).default('mixed'),
  /** @defaultValue 'mix': png8 40 %, png16 30 %, jpeg 30 % */
  format: z.enum([...IMAGE_FORMATS, 'mix']).default('mix'),
  /** Render at most this many pixels on the long side (rendered directly, not downscaled). */
  maxSide: z.number().int().min(64).optional(),
  /** Force the image size. */
  size: z.object({ width: z.number().int().min(64).max(8192), height: z.number().int().min(64).max(8192) }).optional(),
  /** Share of images with ankylosing spondylitis (bridges, squared bodies). @defaultValue 0.15 */
  asShare: share.default(0.15),
  /** Share of images with implants. @defaultValue 0.05 */
  implantShare: share.default(0.05),
  /** Share of images whose field of view cuts through labelled levels. @defaultValue 0.3 */
  partialShare: share.default(0.3),
  /**
   * Share of cervical images framed as head films (cephalograms): the whole skull in the field and
   * C2–C4 small in a lower corner. @defaultValue 0
   */
  headShare: share.default(0),
  /** Burn in L/R marker and view text. @defaultValue true */
  markers: z.boolean().default(true),
  /** Randomised film look on top of the generator's own (see docs/PHANTOM.md). @defaultValue 'default' (none) */
  look: z.enum(FILM_LOOKS).default('default'),
  /** How far the random look goes, 0 (identity) to 1 (full ranges). @defaultValue 1 */
  lookStrength: share.default(1),
  /** Anatomy beyond the generator's own ranges and context present or absent (docs/PHANTOM.md). @defaultValue 'default' */
  anatomy: z.enum(ANATOMY_CHOICES).default('default'),
});

export type PhantomOptions = z.input<typeof phantomOptionsSchema>;
export type ResolvedPhantomOptions = z.output<typeof phantomOptionsSchema>;

/** Parses `--size WxH`. */
export function parseSize(text: string): { width: number; height: number } {
  const match = /^(\d+)x(\d+)$/i.exec(text.trim());
  if (!match) throw new RangeError(`size "${text}" is not WIDTHxHEIGHT`);
  return { width: Number(match[1]), height: Number(match[2]) };
}
