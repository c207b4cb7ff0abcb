import { describe, expect, it } from 'vitest';
import { fuse } from '../fuse.js';
import { syntheticSpine } from '../synthetic.js';

describe('judgeScope (the scope head in fusion)', () => {
  const spine = syntheticSpine({ view: 'lumbar' });
  const withScope = (p: number) => ({ ...spine, foreground: { ...spine.foreground, outOfScope: p } });

  it('keeps levels below the threshold and records the probability', () => {
    const r = fuse(withScope(0.2));
    expect(r.qc.flags).not.toContain('out-of-scope');
    expect(r.qc.outOfScope).toBe(0.2);
    expect(r.vertebrae.filter((v) => v.level !== null).length).toBeGreaterThanOrEqual(5);
  });

  it('declares the film out of scope at the threshold: bodies kept, no level, no view', () => {
    const r = fuse(withScope(0.95));
    expect(r.qc.flags[0]).toBe('out-of-scope');
    expect(r.qc).toMatchObject({ confidence: 0, outOfScope: 0.95 });
    expect(fuse(withScope(0.94)).qc.flags).not.toContain('out-of-scope');
    expect(r.view).toBeNull();
    expect(r.vertebrae.length).toBeGreaterThan(0);
    expect(r.vertebrae.every((v) => v.level === null)).toBe(true);
    expect(fuse(withScope(0.7), { scopeThreshold: 0.8 }).qc.flags).not.toContain('out-of-scope');
  });

  it('only reports when the caller gives the view, and does nothing without a scope head', () => {
    const given = fuse({ ...withScope(0.99), view: 'lumbar' });
    expect(given.qc.flags).not.toContain('out-of-scope');
    expect(given.qc.outOfScope).toBe(0.99);
    const plain = fuse(spine);
    expect(plain.qc.outOfScope).toBeUndefined();
    expect(plain.qc.flags).not.toContain('out-of-scope');
  });

  it('refuses a threshold outside (0, 1]', () => {
    expect(() => fuse(spine, { scopeThreshold: 0 })).toThrow(/scopeThreshold/);
  });
});

describe('readFacing (the facing head in fusion)', () => {
  const spine = syntheticSpine({ view: 'lumbar' });

  it('records the side and its probability, and measurements take the anterior side from it when sure', async () => {
    const { measure } = await import('../measurements.js');
    const right = fuse({ ...spine, foreground: { ...spine.foreground, facing: { left: 0.04, right: 0.96 } } });
    expect(right.facing).toEqual({ side: 'right', probability: 0.96 });
    expect(measure(right).image.anterior).toEqual({ side: 'right', basis: 'facing-head' });
    const unsure = fuse({ ...spine, foreground: { ...spine.foreground, facing: { left: 0.4, right: 0.6 } } });
    expect(measure(unsure).image.anterior.basis).not.toBe('facing-head');
    expect(measure(right, { anteriorSide: 'left' }).image.anterior.side).toBe('left');
    expect(fuse(spine).facing).toBeUndefined();
  });
});
