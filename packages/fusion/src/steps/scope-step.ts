import { round3 } from '../measure/geometry.js';
import type { FusionOptions } from '../options.js';
import { declareOutOfScope } from '../scope.js';
import type { FusionInput, FusionResult } from '../types.js';

/**
 * The last step: the scope head's verdict. Its probability is kept in qc.outOfScope; at or above
 * `scopeThreshold` the film is declared out of scope (no levels, no view). A view given by the
 * caller says the film is a lateral one, so the head only reports there.
 */
export function judgeScope(result: FusionResult, input: Pick<FusionInput, 'view' | 'foreground'>, o: Pick<FusionOptions, 'scopeThreshold'>): FusionResult {
  const p = input.foreground?.outOfScope;
  if (p === undefined || !Number.isFinite(p)) return result;
  const scored: FusionResult = { ...result, qc: { ...result.qc, outOfScope: round3(p) } };
  return input.view === undefined && p >= o.scopeThreshold ? declareOutOfScope(scored) : scored;
}
