import { apCervicalScene } from './ap-cervical.js';
import { apLumbarScene } from './ap-lumbar.js';
import { chestLateralScene } from './chest-lateral.js';
import { chestPaScene } from './chest-pa.js';
import { extremityScene } from './extremity.js';
import { obliqueLumbarScene } from './oblique-lumbar.js';
import { pelvisApScene } from './pelvis-ap.js';
import type { NegativeKind, NegativeSceneBuilder } from './scene.js';
import { thoracicLateralScene } from './thoracic-lateral.js';

export { NEGATIVE_KINDS, isNegativeKind, type NegativeKind, type NegativeScene } from './scene.js';

/** The scene builder of each out-of-scope kind. */
export const NEGATIVE_SCENES: Readonly<Record<NegativeKind, NegativeSceneBuilder>> = {
  'chest-lateral': chestLateralScene,
  'chest-pa': chestPaScene,
  'thoracic-lateral': thoracicLateralScene,
  'ap-lumbar': apLumbarScene,
  'ap-cervical': apCervicalScene,
  'oblique-lumbar': obliqueLumbarScene,
  'pelvis-ap': pelvisApScene,
  extremity: extremityScene,
};
