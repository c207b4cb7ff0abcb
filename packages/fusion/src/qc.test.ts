import { describe, expect, it } from 'vitest';
import { imageConfidence, QC_FLAGS, type QcFlag } from './qc.js';
import { fuse } from './fuse.js';
import { syntheticSpine } from './synthetic.js';
import { decideView } from './view.js';

describe('imageConfidence', () => {
  const base = { meanVertebraScore: 0.9, referenceScore: 0.9, modelAgreement: 0.9, flags: new Set<QcFlag>() };
  it('follows the documented formula', () => {
    expect(imageConfidence(base)).toBeCloseTo(0.9 * 0.95 * 0.95, 3);
    expect(imageConfidence({ ...base, referenceScore: undefined })).toBeCloseTo(0.9 * 0.35 * 0.95, 3);
    expect(imageConfidence({ ...base, modelAgreement: undefined })).toBeCloseTo(0.9 * 0.95 * 0.7, 3);
    expect(imageConfidence({ ...base, flags: new Set<QcFlag>(['labels-skipped', 'view-uncertain']) })).toBeCloseTo(0.9 * 0.95 * 0.95 * 0.85 * 0.8, 3);
    expect(imageConfidence({ ...base, flags: new Set<QcFlag>(['empty']) })).toBe(0);
  });

  it('lists twelve flags, out-of-scope first, needs-review right after empty', () => {
    expect(QC_FLAGS).toHaveLength(12);
    expect(QC_FLAGS[0]).toBe('out-of-scope');
    expect(QC_FLAGS.indexOf('needs-review')).toBe(QC_FLAGS.indexOf('empty') + 1);
  });
});

describe('view and QC on fused results', () => {
  it('flags model disagreement when the two models see different bodies', () => {
    const s = syntheticSpine({ view: 'lumbar' });
    const other = syntheticSpine({ view: 'lumbar', tilt: 0.5 });
    const r = fuse({ foreground: s.foreground, instances: other.instances });
    expect(r.modelAgreement!).toBeLessThan(0.7);
    expect(r.qc.flags).toContain('model-disagreement');
    expect(fuse(s).qc.flags).not.toContain('model-disagreement');
  });

  it('keeps a metadata view but flags it when only the other view’s reference is found', () => {
    const r = fuse({ ...syntheticSpine({ view: 'cervical' }), view: 'lumbar' });
    expect(r.view).toBe('lumbar');
    expect(r.viewSource).toBe('metadata');
    expect(r.qc.flags).toEqual(expect.arrayContaining(['view-uncertain', 'reference-not-found']));
  });

  it('decides the view from the reference classes', () => {
    expect(decideView(undefined, { C2: 0.9, S1: 0, T1: 0, T12: 0 })).toEqual({ view: 'cervical', source: 'reference', uncertain: false });
    expect(decideView(undefined, { C2: 0.6, S1: 0.7, T1: 0, T12: 0 })).toEqual({ view: 'lumbar', source: 'reference', uncertain: true });
    expect(decideView('cervical', { C2: 0, S1: 0, T1: 0, T12: 0 })).toEqual({ view: 'cervical', source: 'metadata', uncertain: false });
    expect(decideView(undefined, { C2: 0, S1: 0, T1: 0, T12: 0 }).view).toBeNull();
  });

  it("takes the view head's view when it is sure and no reference class says", () => {
    const none = { C2: 0, S1: 0, T1: 0, T12: 0 };
    expect(decideView(undefined, none, { cervical: 0.97, lumbar: 0.03 })).toEqual({ view: 'cervical', source: 'classifier', uncertain: false });
    // Unsure: the classes decide.
    expect(decideView(undefined, { ...none, S1: 0.8 }, { cervical: 0.6, lumbar: 0.4 })).toEqual({ view: 'lumbar', source: 'reference', uncertain: false });
    // A reference found wins; a sure head that says otherwise leaves the view uncertain.
    expect(decideView(undefined, { ...none, S1: 0.8 }, { cervical: 0.95, lumbar: 0.05 })).toEqual({ view: 'lumbar', source: 'reference', uncertain: true });
    expect(decideView(undefined, { ...none, S1: 0.8 }, { cervical: 0.05, lumbar: 0.95 })).toEqual({ view: 'lumbar', source: 'reference', uncertain: false });
    // Before the far-end landmarks: a sure head overrules a T12 detection on a cervical film, flagged.
    expect(decideView(undefined, { ...none, T12: 0.7 }, { cervical: 0.97, lumbar: 0.03 })).toEqual({ view: 'cervical', source: 'classifier', uncertain: true });
    expect(decideView('lumbar', none, { cervical: 0.99, lumbar: 0.01 }).source).toBe('metadata');
    // A reference on a body the film edge cuts gives way to a sure head (flagged), not to an unsure one.
    expect(decideView(undefined, { ...none, C2: 0.9 }, { cervical: 0.02, lumbar: 0.98 }, 0.9, true)).toEqual({
      view: 'lumbar',
      source: 'classifier',
      uncertain: true,
    });
    expect(decideView(undefined, { ...none, C2: 0.9 }, { cervical: 0.2, lumbar: 0.8 }, 0.9, true)).toEqual({
      view: 'cervical',
      source: 'reference',
      uncertain: false,
    });
    // In fusion: a lumbar spine whose bodies carry no class, the head sure it is lumbar.
    const s = syntheticSpine({ view: 'lumbar', referenceClass: false });
    const r = fuse({ ...s, foreground: { ...s.foreground, viewScores: { cervical: 0.02, lumbar: 0.98 } } });
    expect([r.view, r.viewSource]).toEqual(['lumbar', 'classifier']);
    expect(r.qc.flags).not.toContain('view-uncertain');
    // The option turns it off.
    expect(fuse({ ...s, foreground: { ...s.foreground, viewScores: { cervical: 0.98, lumbar: 0.02 } } }, { viewHead: false }).viewSource).toBe('weighed');
  });

  it('guesses lumbar from deep bodies when no reference and no metadata exist', () => {
    const r = fuse(syntheticSpine({ view: 'lumbar', referenceClass: false }));
    expect(r.view).toBe('lumbar');
    expect(r.viewSource).toBe('weighed');
    expect(r.vertebrae.map((v) => v.level)).toEqual(['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1']);
  });
});
