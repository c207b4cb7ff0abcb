import type { Level, View } from '@vertxnet/core';
import type { Point, Polygon } from './geometry.js';

/**
 * Where a structure's attenuation goes: `fine` is rendered at full resolution (bone, gas, metal);
 * `coarse` at a quarter and blurred wide (soft tissue masses, whose edges are gradual).
 */
export type Layer = 'fine' | 'coarse';

/** Bone is drawn as a bright cortical rim around a textured trabecular interior. */
export interface BoneShading {
  /** Attenuation of the cortical rim. */
  cortex: number;
  /** Rim thickness in mm. */
  cortexMm: number;
  /** Relative amplitude of trabecular texture in the interior, 0–1. */
  texture: number;
  /**
   * Rounded cross-section across `axis` (world, unit) about `center`: the projected path through an
   * elliptic cylinder is longest in the middle, so the interior is brighter there than near the walls.
   */
  profile?: { center: Point; axis: Point; half: number };
}

/** Mottled texture for non-bone structures (bowel gas and stool, soft-tissue lumps). */
export interface Mottle {
  /** Relative amplitude, 0–1. */
  amplitude: number;
  /** Size of the mottle, mm. */
  scaleMm: number;
}

/** One projected structure: attenuation `value` added over its outline (world mm). */
export interface Structure {
  outline: Polygon;
  layer: Layer;
  value: number;
  bone?: BoneShading;
  mottle?: Mottle;
}

/** A vertebral body that may be labelled, with its outline in world mm. */
export interface BodyOutline {
  level: Level;
  labelled: boolean;
  outline: Polygon;
}

export interface Scene {
  view: View;
  structures: Structure[];
  /** Every drawn body, top to bottom; only `labelled` ones go into the ground truth. */
  bodies: BodyOutline[];
  /** Extra rows of the field of view above the first labelled body and below the last, in mm (full view). */
  marginAbove: [number, number];
  marginBelow: [number, number];
  ankylosing: boolean;
  implants: boolean;
  /** Outline of the head (vault, face and jaw, soft tissue included), where the scene has one: a head film frames it. */
  head?: Polygon;
}
