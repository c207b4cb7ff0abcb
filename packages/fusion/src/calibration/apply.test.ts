import { describe, expect, it } from 'vitest';
import { fuse } from '../fuse.js';
import { measure } from '../measurements.js';
import { declareOutOfScope } from '../scope.js';
import { syntheticSpine } from '../synthetic.js';
import type { FusionResult } from '../types.js';
import { applyCalibration, calibrate } from './apply.js';
import { FITTED_CALIBRATION } from './fitted.js';
import type { CalibrationModel } from './model.js';

const lumbar = fuse(syntheticSpine({ view: 'lumbar', lordosis: 0.5 }));
/** The fusion result before calibration, as fusionResult() hands it over. */
const raw = (r: FusionResult, confidence = r.qc.rawConfidence ?? r.qc.confidence): FusionResult => ({
  ...r,
  vertebrae: r.vertebrae.map(({ levelProbability: _p, ...v }) => v),
  qc: { flags: r.qc.flags.filter((f) => f !== 'needs-review'), confidence },
});

/** A model whose image probability is the raw confidence itself, with a chosen threshold. */
const identity = (needsReviewBelow: number): CalibrationModel => ({
  image: {
    bias: 0,
    logitRawConfidence: 1,
    referenceNotFound: 0,
    viewUncertain: 0,
    countTrouble: 0,
    modelDisagreement: 0,
    levelsMissing: 0,
    logitViewHead: 0,
    meanLogitLevelHead: 0,
  },
  vertebra: { bias: 0, logitScore: 1, logitRawConfidence: 0, stepsFromAnchor: 0, noReference: 0, logitLevelHead: 0 },
  needsReviewBelow,
  measureFrom: 0.9,
  provenance: {},
});

describe('the shipped calibration', () => {
  it('is a probability, monotone in the raw confidence', () => {
    let last = -1;
    for (let c = 0.01; c <= 1; c += 0.01) {
      const p = calibrate(raw(lumbar, c), FITTED_CALIBRATION).confidence;
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      expect(p).toBeGreaterThanOrEqual(last);
      last = p;
    }
    expect(calibrate(raw(lumbar, 0.95), FITTED_CALIBRATION).confidence).toBeGreaterThan(calibrate(raw(lumbar, 0.2), FITTED_CALIBRATION).confidence);
  });

  it('is what fuse() writes: calibrated confidence, the raw one kept, a probability per labelled vertebra', () => {
    const expected = calibrate(raw(lumbar), FITTED_CALIBRATION);
    expect(lumbar.qc.confidence).toBe(expected.confidence);
    expect(lumbar.qc.rawConfidence).toBeGreaterThan(0);
    for (const v of lumbar.vertebrae) {
      if (v.level === null) expect(v.levelProbability).toBeUndefined();
      else expect(v.levelProbability).toBeGreaterThan(0);
    }
  });
});

describe('needs-review', () => {
  it('is raised below the threshold and not at or above it', () => {
    expect(applyCalibration(raw(lumbar, 0.4), identity(0.5)).qc.flags).toContain('needs-review');
    expect(applyCalibration(raw(lumbar, 0.6), identity(0.5)).qc.flags).not.toContain('needs-review');
  });

  it('is never raised on an out-of-scope film, which is left as it was', () => {
    const out = declareOutOfScope(raw(lumbar, 0.1));
    expect(applyCalibration(out, identity(0.5))).toEqual(out);
  });

  it('is raised with confidence 0 when nothing is labelled', () => {
    const r = raw(lumbar, 0.9);
    const unlabelled = { ...r, vertebrae: r.vertebrae.map((v) => ({ ...v, level: null, verseCode: null })) };
    const c = applyCalibration(unlabelled, identity(0.5));
    expect(c.qc.confidence).toBe(0);
    expect(c.qc.flags).toContain('needs-review');
  });
});

describe('measurements and level probability', () => {
  const probable = (level: string, p: number): FusionResult => ({
    ...lumbar,
    vertebrae: lumbar.vertebrae.map((v) => (v.level === level ? { ...v, levelProbability: p } : { ...v, levelProbability: 0.99 })),
  });

  it('writes the lordosis when both its end levels are sure', () => {
    expect(measure(probable('S1', 0.99), { minLevelProbability: 0.9 }).image.lordosis?.name).toBe('L1-S1');
  });

  it('withholds the lordosis when an end level is unsure, keeping the per-body heights', () => {
    const m = measure(probable('S1', 0.5), { minLevelProbability: 0.9 });
    expect(m.image.lordosis).toBeUndefined();
    expect(m.image.lordosisWithheld).toEqual({ name: 'L1-S1', unsureLevels: ['S1'] });
    expect(m.vertebrae.filter((v) => v !== undefined).length).toBeGreaterThan(3);
    expect(m.vertebrae.find((v) => v !== undefined)!.anteriorHeight).toBeGreaterThan(0);
  });

  it('does not look at levels between the ends', () => {
    expect(measure(probable('L3', 0.1), { minLevelProbability: 0.9 }).image.lordosis).toBeDefined();
  });
});
