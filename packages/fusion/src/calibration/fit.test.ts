import { describe, expect, it } from 'vitest';
import { chooseThreshold, expectedCalibrationError, fitLogistic, reliabilityBins, thresholdTable } from './fit.js';
import { sigmoid } from './model.js';

/** A deterministic generator, so that the synthetic table is the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('fitLogistic', () => {
  it('recovers a known logistic from a synthetic table', () => {
    const rand = lcg(7);
    const truth = [-0.5, 2, -1.5];
    const x: number[][] = [];
    const y: boolean[] = [];
    for (let n = 0; n < 20000; n++) {
      const row = [1, 4 * rand() - 2, rand() < 0.3 ? 1 : 0];
      x.push(row);
      y.push(rand() < sigmoid(truth.reduce((s, w, j) => s + w * row[j]!, 0)));
    }
    const w = fitLogistic(x, y, { l2: 0 });
    w.forEach((v, j) => expect(v).toBeCloseTo(truth[j]!, 1));
  });

  it('keeps weights finite when a feature separates the outcomes', () => {
    const x = [
      [1, 0],
      [1, 0],
      [1, 1],
      [1, 1],
    ];
    const w = fitLogistic(x, [true, true, false, false]);
    expect(w.every(Number.isFinite)).toBe(true);
    expect(w[1]).toBeLessThan(0);
  });

  it('refuses rows and outcomes of different lengths', () => {
    expect(() => fitLogistic([[1]], [true, false])).toThrow(/1 rows, 2 outcomes/);
  });
});

describe('expected calibration error', () => {
  it('is 0 when every bin is as right as it says and |gap| weighted by share otherwise', () => {
    expect(expectedCalibrationError([0.95, 0.95, 0.25, 0.25, 0.25, 0.25], [true, true, true, false, false, false])).toBeCloseTo(
      (2 / 6) * 0.05 + (4 / 6) * 0,
      6,
    );
    expect(expectedCalibrationError([0.9, 0.9], [false, false])).toBeCloseTo(0.9, 6);
  });

  it('puts 1 in the last bin and keeps empty bins', () => {
    const bins = reliabilityBins([1, 0], [true, false]);
    expect(bins).toHaveLength(10);
    expect(bins[9]!.count).toBe(1);
    expect(bins[0]!.count).toBe(1);
  });
});

describe('needs-review threshold', () => {
  const p = [0.99, 0.98, 0.97, 0.9, 0.6, 0.4, 0.2];
  const y = [true, true, true, true, false, true, false];
  it('tabulates the share flagged and the share of unflagged right', () => {
    expect(thresholdTable(p, y, [0.5])[0]).toEqual({ threshold: 0.5, flagged: 2 / 7, unflaggedRight: 4 / 5, unflagged: 5 });
  });
  it('chooses the most cautious threshold within the flag budget that every set meets', () => {
    expect(chooseThreshold([{ p, y }], [0.3, 0.5, 0.7, 0.9, 0.975], { minUnflaggedRight: 0.98, maxFlagged: 0.5 })).toBe(0.9);
    expect(chooseThreshold([{ p, y }], [0.3, 0.5, 0.7, 0.9, 0.975], { minUnflaggedRight: 0.98, maxFlagged: 0.75 })).toBe(0.975);
  });
  it('puts precision first when no threshold meets the budget', () => {
    expect(
      chooseThreshold(
        [
          { p, y },
          { p: [0.95, 0.8], y: [true, false] },
        ],
        [0.3, 0.5, 0.7, 0.9],
        { minUnflaggedRight: 0.98, maxFlagged: 0.2 },
      ),
    ).toBe(0.9);
    expect(chooseThreshold([{ p, y }], [0.3, 0.5, 0.7, 0.9, 0.975], { minUnflaggedRight: 0.98, maxFlagged: 0.3 })).toBe(0.7);
    expect(chooseThreshold([{ p: [0.9], y: [false] }], [0.3, 0.5], { minUnflaggedRight: 0.98, maxFlagged: 0.2 })).toBe(0.5);
  });
});
