import type { Point, Polygon } from '../geometry.js';
import type { Rng } from '../prng.js';
import type { Structure } from '../scene.js';

/** Kinds of out-of-scope film: anything that is not a lateral cervical or lumbar spine. */
export const NEGATIVE_KINDS = [
  'chest-lateral',
  'chest-pa',
  'thoracic-lateral',
  'ap-lumbar',
  'ap-cervical',
  'oblique-lumbar',
  'pelvis-ap',
  'extremity',
] as const;
export type NegativeKind = (typeof NEGATIVE_KINDS)[number];

export function isNegativeKind(value: string): value is NegativeKind {
  return (NEGATIVE_KINDS as readonly string[]).includes(value);
}

/** One out-of-scope scene in world mm (x across, y caudal), drawn with the lateral phantom's structures. */
export interface NegativeScene {
  structures: Structure[];
  /** Centre of the field of view and the least width and height (mm) it must show. */
  center: Point;
  span: { width: number; height: number };
  /** Region the collimator shutters and burned-in text keep off (the anatomy that matters). */
  roi: Polygon;
  /** View texts a technologist would burn in; one is drawn per film. */
  labels: readonly string[];
}

export type NegativeSceneBuilder = (rng: Rng) => NegativeScene;
