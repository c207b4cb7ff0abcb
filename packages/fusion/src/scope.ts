import { orderFlags, type QcFlag } from './qc.js';
import type { FusionResult } from './types.js';

/** Flags about the models and the bodies, which still hold; the ones about levels and view do not. */
const KEPT_FLAGS: ReadonlySet<QcFlag> = new Set(['empty', 'unet-missing', 'maskrcnn-missing', 'model-disagreement']);

/**
 * A film that is not a lateral cervical or lumbar one (AP, oblique, chest, extremity: what the
 * DICOM tags or a scope check say) keeps its bodies, outlined for a reviewer, but no level, no
 * reference and no view: levels counted on such a film would be confidently wrong.
 */
export function declareOutOfScope(fusion: FusionResult): FusionResult {
  const { reference: _reference, landmark: _landmark, viewHeadProbability: _view, viewEvidenceProbability: _evidence, ...rest } = fusion;
  return {
    ...rest,
    view: null,
    viewSource: 'metadata',
    vertebrae: fusion.vertebrae.map(({ levelProbability: _p, levelHeadProbability: _h, ...v }) => ({ ...v, level: null, verseCode: null })),
    qc: {
      flags: orderFlags(['out-of-scope', ...fusion.qc.flags.filter((f) => KEPT_FLAGS.has(f))]),
      confidence: 0,
      ...(fusion.qc.outOfScope !== undefined ? { outOfScope: fusion.qc.outOfScope } : {}),
    },
  };
}

export function isOutOfScope(fusion: Pick<FusionResult, 'qc'>): boolean {
  return fusion.qc.flags.includes('out-of-scope');
}
