import { describe, expect, it } from 'vitest';
import { traceFusion } from '../fuse.js';
import { DEFAULT_FUSION_OPTIONS } from '../options.js';
import { syntheticSpine } from '../synthetic.js';
import { assignLevels } from './levels.js';

const LANDMARK_MODEL = ['background', 'vertebra', 'C2', 'S1', 'T1', 'T12'];

describe('assignLevels', () => {
  it('counts from the reference body', () => {
    const t = traceFusion(syntheticSpine({ view: 'cervical', levels: ['C2', 'C3', 'C4', 'C5'], heads: true }));
    const l = assignLevels('cervical', t.bodies, t.chain, t.landmarks, t.features, false, t.input.frame, DEFAULT_FUSION_OPTIONS);
    expect(l).toEqual({ levels: ['C2', 'C3', 'C4', 'C5'], skipped: false, anchor: 0, referenceScore: 0.9 });
  });

  it('with the reference cut off, decodes the levels and rests them on a marked far-end landmark', () => {
    const s = syntheticSpine({ view: 'lumbar', levels: ['T12', 'L1', 'L2', 'L3', 'L4'], cut: 'bottom', anatomical: true, classes: LANDMARK_MODEL });
    s.instances.detections[0]!.className = 'T12';
    const t = traceFusion(s);
    const l = assignLevels('lumbar', t.bodies, t.chain, t.landmarks, t.features, false, t.input.frame, DEFAULT_FUSION_OPTIONS);
    expect(l.levels).toEqual(['T12', 'L1', 'L2', 'L3', 'L4']);
    expect(l.anchor).toBeUndefined();
    expect(l.referenceScore).toBeUndefined();
    expect(l.landmark?.level).toBe('T12');
  });

  it('labels nothing without a view', () => {
    const t = traceFusion(syntheticSpine({ view: 'cervical', referenceClass: false }));
    const l = assignLevels(null, t.bodies, t.chain, t.landmarks, t.features, false, t.input.frame, DEFAULT_FUSION_OPTIONS);
    expect(l).toEqual({ levels: Array(7).fill(null), skipped: false });
  });
});
