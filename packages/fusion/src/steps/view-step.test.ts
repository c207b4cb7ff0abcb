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

  it('lets a view head at headOverReference outrank a whole reference class, and only there', () => {
    const t = traceFusion(syntheticSpine({ view: 'lumbar' }));
    const size = t.input.frame;
    const sure = { cervical: 0.93, lumbar: 0.07 };
    expect(readView(undefined, t.bodies, t.landmarks, sure, size, DEFAULT_FUSION_OPTIONS)).toEqual({
      view: 'cervical',
      source: 'classifier',
      uncertain: true,
    });
    expect(readView(undefined, t.bodies, t.landmarks, sure, size, { ...DEFAULT_FUSION_OPTIONS, headOverReference: 0.95 })).toEqual({
      view: 'lumbar',
      source: 'reference',
      uncertain: true,
    });
    expect(readView(undefined, t.bodies, t.landmarks, { cervical: 0.8, lumbar: 0.2 }, size, DEFAULT_FUSION_OPTIONS)).toMatchObject({
      view: 'lumbar',
      source: 'reference',
    });
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
