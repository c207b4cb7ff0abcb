import { describe, expect, it } from 'vitest';
import { traceFusion } from '../fuse.js';
import { syntheticSpine } from '../synthetic.js';
import { traceChain } from './spine-chain.js';

describe('traceChain', () => {
  it('chains every body cranial first, from the reference when the view names one', () => {
    for (const view of ['cervical', 'lumbar'] as const) {
      const t = traceFusion(syntheticSpine({ view, tilt: 0.2 }));
      const c = traceChain(t.bodies, t.firstView, t.landmarks);
      expect(c.order).toHaveLength(7);
      expect(c.off).toEqual([]);
      const ys = c.order.map((k) => t.bodies.points[k]![1]);
      expect([...ys].sort((a, b) => a - b)).toEqual(ys);
      expect(c.refClass).toBe(view === 'cervical' ? 'C2' : 'S1');
      expect(c.order[view === 'cervical' ? 0 : 6]).toBe(c.refK);
      expect(c.bodySide).toBeGreaterThan(10);
    }
  });

  it('without a view, has no reference and still starts at the top', () => {
    const t = traceFusion(syntheticSpine({ view: 'lumbar', referenceClass: false }));
    const c = traceChain(t.bodies, t.firstView, t.landmarks);
    expect(c.refK).toBe(-1);
    expect(c.refClass).toBeUndefined();
    expect(t.bodies.points[c.order[0]!]![1]).toBeLessThan(t.bodies.points[c.order[6]!]![1]);
  });
});
