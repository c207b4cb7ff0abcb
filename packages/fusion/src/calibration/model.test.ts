import { describe, expect, it } from 'vitest';
import { imageFeatures, logit, vertebraFeatures, type CalibrationSubject } from './model.js';

const subject = (over: Partial<CalibrationSubject> = {}): CalibrationSubject => ({
  view: 'lumbar',
  qc: { flags: [], confidence: 0.9 },
  reference: { level: 'S1', score: 0.99 },
  vertebrae: [
    { level: 'L4', score: 0.95, levelHeadProbability: 0.9 },
    { level: 'L5', score: 0.95, levelHeadProbability: 0.5 },
    { level: 'S1', score: 0.99, levelHeadProbability: 0 },
    { level: null, score: 0.6, levelHeadProbability: 0.99 },
  ],
  ...over,
});

describe('the heads as calibration features', () => {
  it("reads the view head's log-odds of the film's view; a missing head says nothing (p 0.5)", () => {
    expect(imageFeatures(subject({ viewHeadProbability: 0.9 })).logitViewHead).toBeCloseTo(logit(0.9), 6);
    expect(imageFeatures(subject({ viewHeadProbability: 0 })).logitViewHead).toBeCloseTo(logit(0.02), 6);
    expect(imageFeatures(subject()).logitViewHead).toBeCloseTo(0, 6);
  });

  it("averages the level head's log-odds over the labelled bodies only, each clamped to [0.02, 0.98]", () => {
    const mean = (logit(0.9) + logit(0.5) + logit(0.02)) / 3;
    expect(imageFeatures(subject()).meanLogitLevelHead).toBeCloseTo(mean, 6);
    const bare = subject({ vertebrae: [{ level: 'L4', score: 0.9 }] });
    expect(imageFeatures(bare).meanLogitLevelHead).toBeCloseTo(0, 6);
  });

  it("gives each vertebra its own level head's log-odds", () => {
    const s = subject();
    expect(vertebraFeatures(s, 0).logitLevelHead).toBeCloseTo(logit(0.9), 6);
    expect(vertebraFeatures(s, 1).logitLevelHead).toBeCloseTo(0, 6);
    expect(vertebraFeatures(s, 2).logitLevelHead).toBeCloseTo(logit(0.02), 6);
    expect(vertebraFeatures(subject({ vertebrae: [{ level: 'L4', score: 0.9 }] }), 0).logitLevelHead).toBeCloseTo(0, 6);
  });
});
