import { describe, expect, it } from 'vitest';
import { frameFor } from '@vertxnet/core';
import type { FusedVertebra } from '../types.js';
import { bodyCorners, vertebraMeasurements } from './corners.js';
import { measureSpace } from './space.js';

const W = 20;
const space = measureSpace({ frame: frameFor(W, W, W) });
const v: FusedVertebra = { level: 'L3', verseCode: 22, score: 1, source: 'both', bbox: [5, 5, 15, 12], area: 70, centroid: [10, 8.5], chainIndex: 0 };

function rectMap(): Int32Array {
  const map = new Int32Array(W * W);
  for (let y = 5; y < 12; y++) for (let x = 5; x < 15; x++) map[y * W + x] = 1;
  return map;
}

describe('bodyCorners', () => {
  it('finds the four corners of a body aligned with the axis (anterior left)', () => {
    const c = bodyCorners(v, 1, rectMap(), [0, 1], [-1, 0], space)!;
    expect(c).toEqual([
      [5.5, 5.5],
      [14.5, 5.5],
      [14.5, 11.5],
      [5.5, 11.5],
    ]);
  });

  it('is undefined for a body with no pixel in the instance map', () => {
    expect(bodyCorners(v, 2, rectMap(), [0, 1], [-1, 0], space)).toBeUndefined();
  });
});

describe('vertebraMeasurements', () => {
  it('gives heights, wedge ratio and endplate angles, corners in source px', () => {
    const m = vertebraMeasurements(
      [
        [5.5, 5.5],
        [14.5, 5.5],
        [14.5, 11.5],
        [5.5, 9.5],
      ],
      space,
    );
    expect(m).toMatchObject({ anteriorHeight: 4, posteriorHeight: 6, middleHeight: 5, wedgeRatio: 0.667, superiorEndplateAngle: 0, unit: 'px' });
    expect(m.inferiorEndplateAngle).toBeCloseTo(-12.53, 2);
    expect(m.corners.inferiorAnterior).toEqual([5.5, 9.5]);
  });
});
