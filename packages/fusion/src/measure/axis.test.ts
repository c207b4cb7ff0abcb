import { describe, expect, it } from 'vitest';
import { frameFor } from '@vertxnet/core';
import type { FusedVertebra } from '../types.js';
import { anteriorOf, anteriorSide, localCaudal, spineAxis } from './axis.js';
import { measureSpace } from './space.js';

const body = (x: number, y: number, chainIndex: number | null): FusedVertebra => ({
  level: null,
  verseCode: null,
  score: 1,
  source: 'both',
  bbox: [0, 0, 1, 1],
  area: 1,
  centroid: [x, y],
  chainIndex,
});
const space = measureSpace({ frame: frameFor(100, 100, 100) });

describe('spineAxis', () => {
  it('keeps the chain bodies and points caudally from the first to the last', () => {
    const a = spineAxis([body(50, 10, 0), body(90, 90, null), body(50, 50, 1)], space);
    expect(a.chain).toEqual([0, 2]);
    expect(a.points).toEqual([
      [50, 10],
      [50, 50],
    ]);
    expect(a.caudal).toEqual([0, 1]);
    expect(spineAxis([], space).caudal).toEqual([0, 1]);
  });
});

describe('anteriorSide', () => {
  const bulging = (dx: number) => spineAxis([body(50, 10, 0), body(50 + dx, 50, 1), body(50, 90, 2)], space);

  it('is the side the lordotic chain bulges to', () => {
    expect(anteriorSide(bulging(-10), undefined)).toEqual({ side: 'left', basis: 'curvature' });
    expect(anteriorSide(bulging(10), undefined)).toEqual({ side: 'right', basis: 'curvature' });
  });

  it('falls back to facing left on a straight chain, and obeys an override', () => {
    expect(anteriorSide(bulging(1), undefined)).toEqual({ side: 'left', basis: 'default' });
    expect(anteriorSide(bulging(1), undefined, 0.01)).toEqual({ side: 'right', basis: 'curvature' });
    expect(anteriorSide(bulging(-10), 'right')).toEqual({ side: 'right', basis: 'default' });
  });
});

describe('anteriorOf and localCaudal', () => {
  it('points to the anterior side, along the local chain direction', () => {
    // Caudal straight down: anterior is -x for a patient facing left, +x facing right.
    expect(anteriorOf([0, 1], 'left')[0]).toBe(-1);
    expect(anteriorOf([0, 1], 'right')[0]).toBe(1);
    const axis = spineAxis([body(50, 10, 0), body(50, 50, 1), body(90, 50, 2)], space);
    const last = localCaudal(body(90, 50, 2), axis);
    expect(last[0]).toBeCloseTo(1, 12);
    expect(last[1]).toBeCloseTo(0, 12);
    expect(localCaudal(body(0, 0, null), axis)).toBe(axis.caudal);
  });
});
