import { describe, expect, it } from 'vitest';
import { dist, dot, lineAngle, mid, round2, round3, sub, unitVec } from './geometry.js';

describe('geometry', () => {
  it('does the vector arithmetic the steps need', () => {
    expect(sub([3, 4], [1, 1])).toEqual([2, 3]);
    expect(dot([1, 2], [3, 4])).toBe(11);
    expect(dist([0, 0], [3, 4])).toBe(5);
    expect(mid([0, 0], [2, 4])).toEqual([1, 2]);
    expect(unitVec([0, 0])).toEqual([0, 0]);
    expect(unitVec([3, 4])).toEqual([0.6, 0.8]);
    expect(round2(1.005001)).toBe(1.01);
    expect(round3(1 / 3)).toBe(0.333);
  });

  it('gives a line angle counter-clockwise as displayed, in (−90°, 90°]', () => {
    // Image y runs down: a line rising to the right as displayed has negative dy.
    expect(lineAngle([1, -1])).toBeCloseTo(45, 10);
    expect(lineAngle([-1, 1])).toBeCloseTo(45, 10);
    expect(lineAngle([0, 1])).toBe(90);
    expect(lineAngle([0, -1])).toBe(90);
  });
});
