import { describe, expect, it } from 'vitest';
import { traceFusion } from '../fuse.js';
import { DEFAULT_FUSION_OPTIONS } from '../options.js';
import { syntheticSpine } from '../synthetic.js';
import type { ViewEvidenceModel } from '../view-evidence.js';
import { readView, readViewEvidence, settleView } from './view-step.js';

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

describe('readViewEvidence', () => {
  it('reads a cervical chain as cervical and a lumbar one as lumbar, piece by piece', () => {
    for (const view of ['cervical', 'lumbar'] as const) {
      const t = traceFusion(syntheticSpine({ view, anatomical: true, heads: true }));
      const e = readViewEvidence(t, t.input.foreground?.viewScores);
      const sign = view === 'cervical' ? 1 : -1;
      expect(sign * e.head).toBeGreaterThan(3);
      expect(sign * e.reference).toBeGreaterThan(0.5);
      expect(sign * e.decoding).toBeGreaterThan(0);
    }
  });
});

describe('settleView', () => {
  const headOnly: ViewEvidenceModel = { weights: { bias: 0, head: 1, reference: 0, landmark: 0, decoding: 0, shape: 0 }, provenance: {} };
  const referenceOnly: ViewEvidenceModel = { weights: { ...headOnly.weights, head: 0, reference: 1 }, provenance: {} };

  it('without the evidence model, keeps a decided view and otherwise fits the chain to both templates (uncertain)', () => {
    const o = { ...DEFAULT_FUSION_OPTIONS, weighViewEvidence: false };
    const ref = traceFusion(syntheticSpine({ view: 'cervical' }), o);
    expect(settleView(ref.firstView, ref.bodies, ref.landmarks, ref.chain, ref.features, o)).toBe(ref.firstView);
    const t = traceFusion(syntheticSpine({ view: 'lumbar', referenceClass: false, anatomical: true }), o);
    const d = settleView(t.firstView, t.bodies, t.landmarks, t.chain, t.features, o);
    expect(d).toEqual({ view: 'lumbar', source: 'position', uncertain: true });
  });

  it('takes the view the evidence makes likelier: one that overturns the first decision is weighed and uncertain', () => {
    const t = traceFusion(syntheticSpine({ view: 'lumbar', anatomical: true }));
    const o = DEFAULT_FUSION_OPTIONS;
    expect(t.firstView).toMatchObject({ view: 'lumbar', source: 'reference' });
    const head = { cervical: 0.7, lumbar: 0.3 };
    expect(settleView(t.firstView, t.bodies, t.landmarks, t.chain, t.features, o, head, headOnly)).toEqual({
      view: 'cervical',
      source: 'weighed',
      uncertain: true,
      evidence: 0.7,
    });
    // A view the evidence agrees with keeps its source, and carries the evidence's probability of it.
    const kept = settleView(t.firstView, t.bodies, t.landmarks, t.chain, t.features, o, head, referenceOnly);
    const s1 = t.landmarks.scores.S1;
    expect(kept).toEqual({ ...t.firstView, evidence: expect.closeTo(1 - 1 / (1 + 1 / (1 - s1)), 6) });
    expect(settleView({ ...t.firstView, source: 'metadata' }, t.bodies, t.landmarks, t.chain, t.features, o, head, headOnly).view).toBe('lumbar');
  });
});
