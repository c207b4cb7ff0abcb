import { describe, expect, it } from 'vitest';
import { traceFusion } from '../fuse.js';
import { DEFAULT_FUSION_OPTIONS } from '../options.js';
import { syntheticSpine } from '../synthetic.js';
import { findLandmarks } from './landmarks.js';

describe('findLandmarks', () => {
  it('finds the reference body and scores only classes at their threshold', () => {
    const { bodies } = traceFusion(syntheticSpine({ view: 'cervical' }));
    const l = findLandmarks(bodies, DEFAULT_FUSION_OPTIONS);
    expect(l.best).toEqual({ C2: 0, S1: -1, T1: -1, T12: -1 });
    expect(l.scores).toEqual({ C2: 0.9, S1: 0, T1: 0, T12: 0 });
    expect(l.score(0, 'C2')).toBe(0.9);
    expect(l.score(1, 'C2')).toBe(0);
    const strict = findLandmarks(bodies, { ...DEFAULT_FUSION_OPTIONS, referenceThreshold: 0.95 });
    expect(strict.best.C2).toBe(-1);
    expect(strict.scores.C2).toBe(0);
  });
});
