import { round3 } from '../measure/geometry.js';
import type { FusionInput, FusionResult } from '../types.js';

/**
 * The U-Net facing head's reading: the side the patient faces as displayed, and its probability.
 * Recorded on the result (result.json `facing`); measure() takes the anterior side from it when sure.
 */
export function readFacing(result: FusionResult, input: Pick<FusionInput, 'foreground'>): FusionResult {
  const f = input.foreground?.facing;
  if (!f || !Number.isFinite(f.left) || !Number.isFinite(f.right)) return result;
  const side = f.left >= f.right ? 'left' : 'right';
  return { ...result, facing: { side, probability: round3(Math.max(f.left, f.right)) } };
}
