import type { View } from '@vertxnet/core';
import { resolveOptions, type FusionOptions } from './options.js';
import type { ViewDecision } from './view.js';
import { assignInstances, type InstanceAssignment } from './steps/assign.js';
import { paintBodies, surveyBodies, type Bodies } from './steps/bodies.js';
import { chainFeatures, type ChainFeatures } from './steps/chain-features.js';
import { checkInput, type CheckedInput } from './steps/input.js';
import { findLandmarks, type Landmarks } from './steps/landmarks.js';
import { assignLevels, type ChainLevels } from './steps/levels.js';
import { maskModels, type ModelMasks } from './steps/masks.js';
import { checkQuality, type QualityReport } from './steps/quality.js';
import { traceChain, type SpineChain } from './steps/spine-chain.js';
import { round3 } from './measure/geometry.js';
import { collectVertebrae, type FusedBodies } from './steps/vertebrae.js';
import { readFacing } from './steps/facing-step.js';
import { readPolarity } from './steps/polarity-step.js';
import { readHeadAgreement, type HeadAgreement } from './steps/head-agreement.js';
import { judgeScope } from './steps/scope-step.js';
import { applyCalibration } from './calibration/apply.js';
import { FITTED_CALIBRATION } from './calibration/fitted.js';
import { readView, settleView } from './steps/view-step.js';
import type { FusionInput, FusionResult } from './types.js';

/** Every intermediate of one fusion, step by step (docs/FUSION.md): for tests and debugging. */
export interface FusionTrace {
  options: FusionOptions;
  input: CheckedInput;
  masks: ModelMasks;
  assignment: InstanceAssignment;
  bodies: Bodies;
  landmarks: Landmarks;
  /** The view before the chain is known: it picks the reference the chain starts from. */
  firstView: ViewDecision;
  chain: SpineChain;
  features: ChainFeatures;
  decision: ViewDecision;
  labels: ChainLevels;
  fused: FusedBodies;
  quality: QualityReport;
  heads: HeadAgreement;
}

/**
 * The ensemble rule: U-Net components give boundaries, Mask R-CNN instances split and complete
 * them, bodies are chained along the spine and counted from the reference vertebra (or a far-end
 * landmark). Last, the scope verdict and the shipped confidence calibration (calibration/fitted.ts).
 */
export function fuse(input: FusionInput, options?: Partial<FusionOptions>): FusionResult {
  const trace = traceFusion(input, options);
  return applyCalibration(judgeScope(readPolarity(readFacing(fusionResult(trace, input), input), input), input, trace.options), FITTED_CALIBRATION);
}

/** fuse()'s steps in order, each a pure function in steps/, keeping every intermediate. */
export function traceFusion(raw: FusionInput, options?: Partial<FusionOptions>): FusionTrace {
  const o = resolveOptions(options);
  const input = checkInput(raw);
  const { frame, foreground, instances } = input;
  const masks = maskModels(input, o);
  const assignment = assignInstances(masks);
  const bodies = surveyBodies(paintBodies(masks, assignment, o), masks, foreground?.probability);
  const landmarks = findLandmarks(bodies, o);
  const firstView = readView(raw.view, bodies, landmarks, o.viewHead ? foreground?.viewScores : undefined, frame, o);
  const sources = { frame, roi: masks.roi, ...(foreground?.levels ? { levelGrid: foreground.levels } : {}), ...(instances ? { instances } : {}) };
  const viewScores = o.viewHead ? foreground?.viewScores : undefined;
  const firstChain = traceChain(bodies, firstView, landmarks);
  const firstFeatures = chainFeatures(bodies, firstChain, landmarks, sources, o);
  const decision = settleView(firstView, bodies, landmarks, firstChain, firstFeatures, o, viewScores);
  // A view the evidence overturned starts its chain from its own reference class.
  const retrace = decision.source === 'weighed';
  const chain = retrace ? traceChain(bodies, decision, landmarks) : firstChain;
  const features = retrace ? chainFeatures(bodies, chain, landmarks, sources, o) : firstFeatures;
  const labels = assignLevels(decision.view, bodies, chain, landmarks, features, !!foreground?.levels, frame, o);
  const fused = collectVertebrae(bodies, chain, labels, frame, masks.roi);
  const quality = checkQuality({ input, masks, bodies, landmarks, chain, decision, labels, fused }, o);
  const heads = readHeadAgreement(decision.view, foreground?.viewScores, labels.levels, features);
  return { options: o, input, masks, assignment, bodies, landmarks, firstView, chain, features, decision, labels, fused, quality, heads };
}

/** The last step: the result as callers see it (scores rounded to 3 decimals). */
export function fusionResult(t: FusionTrace, raw: Pick<FusionInput, 'pixelSpacing'>): FusionResult {
  const view: View | null = t.decision.view;
  return {
    view,
    viewSource: t.decision.source,
    frame: t.input.frame,
    instanceMap: t.fused.instanceMap,
    vertebrae: t.fused.vertebrae.map((v) => {
      const p = v.chainIndex !== null ? t.heads.levels[v.chainIndex] : undefined;
      return p !== undefined ? { ...v, levelHeadProbability: p } : v;
    }),
    qc: t.quality.qc,
    ...(t.labels.referenceScore !== undefined && t.chain.refClass ? { reference: { level: t.chain.refClass, score: round3(t.labels.referenceScore) } } : {}),
    ...(t.labels.landmark ? { landmark: { level: t.labels.landmark.level, score: round3(t.labels.landmark.score) } } : {}),
    ...(raw.pixelSpacing ? { pixelSpacing: raw.pixelSpacing } : {}),
    ...(t.quality.modelAgreement !== undefined ? { modelAgreement: round3(t.quality.modelAgreement) } : {}),
    ...(t.heads.view !== undefined ? { viewHeadProbability: t.heads.view } : {}),
    ...(t.decision.evidence !== undefined ? { viewEvidenceProbability: round3(t.decision.evidence) } : {}),
  };
}
