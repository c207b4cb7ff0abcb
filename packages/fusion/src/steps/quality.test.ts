import { describe, expect, it } from 'vitest';
import { traceFusion } from '../fuse.js';
import { DEFAULT_FUSION_OPTIONS } from '../options.js';
import { regionStats } from '../regions.js';
import { syntheticSpine } from '../synthetic.js';
import { checkQuality, dice, transitionalSigns } from './quality.js';

describe('checkQuality', () => {
  it('raises no flag on a clean film, and the right ones on a single-model one', () => {
    const t = traceFusion(syntheticSpine({ view: 'cervical' }));
    const clean = checkQuality(t, DEFAULT_FUSION_OPTIONS);
    expect(clean.qc.flags).toEqual([]);
    expect(clean.modelAgreement).toBeGreaterThan(0.9);
    const s = syntheticSpine({ view: 'cervical', referenceClass: false });
    const u = traceFusion({ foreground: s.foreground });
    const r = checkQuality(u, DEFAULT_FUSION_OPTIONS);
    expect(r.qc.flags).toContain('maskrcnn-missing');
    expect(r.qc.flags).toContain('view-uncertain');
    expect(r.qc.flags).toContain('reference-not-found');
    expect(r.modelAgreement).toBeUndefined();
    expect(r.qc.confidence).toBeLessThan(clean.qc.confidence);
  });

  it('says empty, with no confidence, when nothing was found', () => {
    const s = syntheticSpine({ view: 'cervical' });
    const t = traceFusion({ instances: { frame: s.frame, detections: [] } });
    expect(checkQuality(t, DEFAULT_FUSION_OPTIONS).qc).toEqual({ flags: ['empty', 'unet-missing', 'low-confidence'], confidence: 0 });
  });
});

describe('dice', () => {
  it('is 1 for identical masks and for two empty ones', () => {
    const t = traceFusion(syntheticSpine({ view: 'lumbar' }));
    const m = t.masks;
    expect(dice(new Uint8Array(m.width * m.height), [], m.width, m.roi)).toBe(1);
    expect(dice(m.fgMask!, m.candidates, m.width, m.roi)).toBeGreaterThan(0.9);
  });
});

describe('transitionalSigns', () => {
  it('sees a second S1-like body beside the reference, or a body-sized segment below it', () => {
    const map = Int32Array.from([1, 1, 2, 2, 3, 3]);
    const stats = regionStats(map, 6, 1, 3);
    const none = () => 0;
    expect(transitionalSigns([0, 1, 2], 2, none, [1, 2, 3], stats, 0.5)).toBe(false);
    expect(transitionalSigns([0, 1, 2], 2, (k) => (k === 1 ? 0.7 : 0), [1, 2, 3], stats, 0.5)).toBe(true);
    expect(transitionalSigns([0, 1, 2], 1, none, [1, 2, 3], stats, 0.5)).toBe(true);
  });
});
