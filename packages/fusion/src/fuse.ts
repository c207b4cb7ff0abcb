import { resolveOptions, type FusionOptions } from './options.js';
import { assignInstances } from './steps/assign.js';
import { paintBodies, surveyBodies } from './steps/bodies.js';
import { chainFeatures } from './steps/chain-features.js';
import { checkInput } from './steps/input.js';
import { findLandmarks } from './steps/landmarks.js';
import { assignLevels } from './steps/levels.js';
import { maskModels } from './steps/masks.js';
import { checkQuality } from './steps/quality.js';
import { traceChain } from './steps/spine-chain.js';
import { collectVertebrae, round3 } from './steps/vertebrae.js';
import { readView, settleView } from './steps/view-step.js';
import type { FusionInput, FusionResult } from './types.js';

/**
 * The ensemble rule: U-Net components give boundaries, Mask R-CNN instances split and complete
 * them, bodies are chained along the spine and counted from the reference vertebra (or a far-end
 * landmark). Each step is a pure function in steps/; docs/FUSION.md lists them in order.
 */
export function fuse(input: FusionInput, options?: Partial<FusionOptions>): FusionResult {
  const o = resolveOptions(options);
  const checked = checkInput(input);
  const { frame, foreground, instances } = checked;
  // Bodies: masks → instances assigned to components → painted regions → measured bodies.
  const masks = maskModels(checked, o);
  const bodies = surveyBodies(paintBodies(masks, assignInstances(masks), o), masks, foreground?.probability);
  // Chain and view: the first view decision picks the reference the chain starts from.
  const landmarks = findLandmarks(bodies, o);
  const firstView = readView(input.view, bodies, landmarks, o.viewHead ? foreground?.viewScores : undefined, frame, o);
  const chain = traceChain(bodies, firstView, landmarks);
  const features = chainFeatures(bodies, chain, landmarks, { frame, roi: masks.roi, ...(foreground?.levels ? { levelGrid: foreground.levels } : {}), ...(instances ? { instances } : {}) }, o);
  const decision = settleView(firstView, bodies, chain, features, o);
  // Levels, the fused bodies, QC.
  const labels = assignLevels(decision.view, bodies, chain, landmarks, features, !!foreground?.levels, frame, o);
  const fused = collectVertebrae(bodies, chain, labels, frame, masks.roi);
  const { qc, modelAgreement } = checkQuality({ input: checked, masks, bodies, landmarks, chain, decision, labels, fused }, o);
  return {
    view: decision.view,
    viewSource: decision.source,
    frame,
    instanceMap: fused.instanceMap,
    vertebrae: fused.vertebrae,
    qc,
    ...(labels.referenceScore !== undefined && chain.refClass ? { reference: { level: chain.refClass, score: round3(labels.referenceScore) } } : {}),
    ...(labels.landmark ? { landmark: { level: labels.landmark.level, score: round3(labels.landmark.score) } } : {}),
    ...(input.pixelSpacing ? { pixelSpacing: input.pixelSpacing } : {}),
    ...(modelAgreement !== undefined ? { modelAgreement: round3(modelAgreement) } : {}),
  };
}
