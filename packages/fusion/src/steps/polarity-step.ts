import { orderFlags } from '../qc.js';
import type { FusionInput, FusionResult } from '../types.js';

/**
 * Which polarity the models read the film in (the manifests' `polarityPass`, packages/inference
 * polarity.ts): recorded on the result (result.json `polarity`) where a model read it inverted.
 * `mixed`: one model read it inverted and the other as stored, so they saw different films, which
 * is raised as `model-disagreement`.
 */
export function readPolarity(result: FusionResult, input: Pick<FusionInput, 'foreground' | 'instances'>): FusionResult {
  const reads = [input.foreground, input.instances].filter((o) => o !== undefined).map((o) => o.inverted === true);
  if (!reads.includes(true)) return result;
  if (reads.every(Boolean)) return { ...result, polarity: 'inverted' };
  return { ...result, polarity: 'mixed', qc: { ...result.qc, flags: orderFlags([...result.qc.flags, 'model-disagreement']) } };
}
