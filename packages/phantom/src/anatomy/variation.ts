import type { View } from '@vertxnet/core';
import type { Rng } from '../prng.js';
import { roundedRecord } from '../record.js';
import type { Structure } from '../scene.js';

export const ANATOMY_CHOICES = ['default', 'random'] as const;
/** `default`: the generator's own anatomy ranges; `random`: wider ranges and context present or absent. */
export type AnatomyChoice = (typeof ANATOMY_CHOICES)[number];

/** Context structures a film may lack (cut off by the field, removed, or never there), per view. */
export const CONTEXT_PARTS = { cervical: ['mandible', 'airway', 'shoulders'], lumbar: ['pelvis', 'ribs', 'bowel'] } as const;
export type ContextPart = (typeof CONTEXT_PARTS)[View][number];

/**
 * How one patient's anatomy departs from the generator's own ranges (issue 12, item 1). Every field at
 * its identity value (`DEFAULT_ANATOMY`) leaves a film exactly as the default generator draws it.
 */
export interface AnatomyVariation {
  /** Extra factor on the patient's overall size. */
  size: number;
  /** Extra factor on every body's height over depth (tall and slender ↔ squat). */
  aspect: number;
  /** Factor on the spread of each level's own height and depth around the patient's (1: as drawn). */
  levelSpread: number;
  /** Factor on every disc's height (degenerate ↔ generous). */
  disc: number;
  /** Factor on the drawn lordosis (below 0: kyphotic; 0: straight). */
  lordosis: number;
  /** Extra wedge of every body, standard deviation in degrees (its draws come from `rng`). */
  wedgeSd: number;
  /** One more level with a wedge compression fracture (index among the labelled levels), or null. */
  fracture: { labelledIndex: number; degrees: number } | null;
  /** Factor on bone density (osteoporotic ↔ sclerotic). */
  density: number;
  /** Factor on the brightness of the bodies' cortex and endplates. */
  cortex: number;
  /** Chaikin passes that round a body's outline (the generator uses 2: sharper corners below, rounder above). */
  rounding: number;
  /** Context left out of the film. */
  without: ContextPart[];
  /**
   * Lumbar films: S2 stands apart from S1 as a body of its own across a remnant disc (common on real
   * films; the generator's own sacrum is one fused bone), so a chain may run one body past S1.
   */
  sacralSegment: boolean;
  /**
   * Cervical films: the atlas's lateral masses stand out as a dense block above C2 (as they do on many
   * real films), shaped enough like a body that a detector trained without it may count it: a chain
   * may then run one body past C2.
   */
  atlasBody: boolean;
  /**
   * Cervical films: the dens stands apart from C2's body, across a lucent line where the subdental
   * synchondrosis (open in young children, a sclerotic scar or an os odontoideum later) leaves it,
   * with a cortex of its own, so that it reads as a small body above C2 rather than as part of it.
   */
  densApart: boolean;
  /**
   * Lumbar films: a tall field that reaches up the thoracic spine (T9 to T7 above the T10 and T11
   * every lumbar film has), as a long cassette centred low on the lumbar spine shows it, so that the
   * lumbar bodies are not always the lower three quarters of the column in view.
   */
  tallField: boolean;
  /** Draws for the per-level extras, apart from the anatomy's own stream so that it stays aligned. */
  rng: Rng | null;
}

export const DEFAULT_ANATOMY: AnatomyVariation = {
  size: 1,
  aspect: 1,
  levelSpread: 1,
  disc: 1,
  lordosis: 1,
  wedgeSd: 0,
  fracture: null,
  density: 1,
  cortex: 1,
  rounding: 2,
  without: [],
  sacralSegment: false,
  atlasBody: false,
  densApart: false,
  tallField: false,
  rng: null,
};

/** What a film records of its varied anatomy (COCO image `anatomy`), rounded for a readable file. */
export type AnatomyRecord = Omit<AnatomyVariation, 'rng'>;

/**
 * Ranges reach past the generator's own towards the ends of adult radiographic morphometry; the cervical
 * lordosis may be lost or reversed (common on real films), the lumbar one only flattened or deepened.
 */
export function drawAnatomyVariation(rng: Rng, view: View): AnatomyVariation {
  const without: ContextPart[] = CONTEXT_PARTS[view].filter(() => rng.chance(0.3));
  const fractured = rng.chance(0.15);
  return {
    size: rng.range(0.88, 1.14),
    aspect: rng.range(0.78, 1.28),
    levelSpread: rng.range(1, 2.2),
    disc: rng.range(0.45, 1.6),
    lordosis: view === 'cervical' ? rng.range(-0.4, 1.5) : rng.range(0.4, 1.4),
    wedgeSd: rng.range(0, 3.5),
    fracture: fractured ? { labelledIndex: rng.int(0, 6), degrees: rng.range(8, 25) } : null,
    density: rng.range(0.6, 1.35),
    cortex: rng.range(0.5, 1.8),
    rounding: rng.int(1, 4),
    without,
    rng: rng.fork('levels'),
    // Drawn last, so every draw before them is what it was before the segment, the atlas, the dens apart and the tall field existed.
    sacralSegment: view === 'lumbar' && rng.chance(0.35),
    atlasBody: view === 'cervical' && rng.chance(0.35),
    densApart: view === 'cervical' && rng.chance(0.35),
    tallField: view === 'lumbar' && rng.chance(0.35),
  };
}

export function anatomyRecord(v: AnatomyVariation): AnatomyRecord {
  const { rng: _rng, ...record } = v;
  return roundedRecord(record);
}

/** A draw `g` around 1 with its spread scaled by `k`; `k` = 1 returns `g` itself, bit for bit. */
export function widen(g: number, k: number): number {
  return k === 1 ? g : 1 + (g - 1) * k;
}

/**
 * Draws a context part, then takes its structures out again where the variation leaves it out: the
 * anatomy stream is consumed exactly as with the part, so the rest of the patient stays the same.
 */
export function withContext<T>(structures: Structure[], v: AnatomyVariation, part: ContextPart, draw: () => T): T {
  const before = structures.length;
  const result = draw();
  if (v.without.includes(part)) structures.length = before;
  return result;
}
