import { describe, expect, it } from 'vitest';
import { traceFusion } from '../fuse.js';
import { DEFAULT_FUSION_OPTIONS } from '../options.js';
import { syntheticSpine } from '../synthetic.js';
import { readView, settleView } from './view-step.js';

describe('readView', () => {
  it('takes the view from metadata first, else from the reference class', () => {
    const t = traceFusion(syntheticSpine({ view: 'lumbar' }));
    const size = t.input.frame;
    expect(readView(undefined, t.bodies, t.landmarks, undefined, size, DEFAULT_FUSION_OPTIONS)).toEqual({
      view: 'lumbar',
      source: 'reference',
      uncertain: false,
    });
    expect(readView('lumbar', t.bodies, t.landmarks, undefined, size, DEFAULT_FUSION_OPTIONS)).toMatchObject({ view: 'lumbar', source: 'metadata' });
  });

  it('decides nothing without metadata, reference, view head or landmark', () => {
    const t = traceFusion(syntheticSpine({ view: 'lumbar', referenceClass: false }));
    expect(t.firstView.view).toBeNull();
  });
});

describe('settleView', () => {
  it('keeps a decided view, and otherwise fits the chain to both templates (uncertain)', () => {
    const ref = traceFusion(syntheticSpine({ view: 'cervical' }));
    expect(settleView(ref.firstView, ref.bodies, ref.chain, ref.features, DEFAULT_FUSION_OPTIONS)).toBe(ref.firstView);
    const t = traceFusion(syntheticSpine({ view: 'lumbar', referenceClass: false, anatomical: true }));
    const d = settleView(t.firstView, t.bodies, t.chain, t.features, DEFAULT_FUSION_OPTIONS);
    expect(d).toEqual({ view: 'lumbar', source: 'position', uncertain: true });
  });
});
