import { describe, expect, it } from 'vitest';
import type { View } from '@vertxnet/core';
import { weighViews } from './weigh-views.js';

const decodings = (cervical: number, lumbar: number) => (view: View) => ({ firstLevelIndex: 0, cost: view === 'cervical' ? cervical : lumbar });

describe('weighViews', () => {
  it("adds the landmark class's and the view head's evidence to each view's chain decoding", () => {
    const w = weighViews(decodings(10, 12), 5, 'lumbar', { cervical: 0.25, lumbar: 0.75 }, 0.9)!;
    expect(w.costs.cervical).toBeCloseTo(10 - Math.log(0.1) - Math.log(0.25), 9);
    expect(w.costs.lumbar).toBeCloseTo(12 - Math.log(0.9) - Math.log(0.75), 9);
    expect(w.view).toBe('lumbar');
  });

  it('lets the chain overturn the class when it explains the other view far better', () => {
    expect(weighViews(decodings(30, 20), 10, 'cervical', undefined, 0.9)!.view).toBe('lumbar');
    expect(weighViews(decodings(21, 20), 10, 'cervical', undefined, 0.9)!.view).toBe('cervical');
  });

  it('leaves the class standing on a chain that fits neither template', () => {
    expect(weighViews(decodings(40, 20), 5, 'cervical', undefined)).toBeUndefined();
    expect(weighViews(decodings(40, 15), 5, 'cervical', undefined)!.view).toBe('lumbar');
  });

  it('floors the view head, and decides nothing when a view cannot be decoded', () => {
    const w = weighViews(decodings(10, 10), 5, 'cervical', { cervical: 0, lumbar: 1 }, 0.5)!;
    expect(w.costs.cervical - w.costs.lumbar).toBeCloseTo(-Math.log(0.02), 9);
    expect(weighViews((view) => (view === 'lumbar' ? undefined : { firstLevelIndex: 0, cost: 1 }), 5, 'cervical', undefined)).toBeUndefined();
  });
});
