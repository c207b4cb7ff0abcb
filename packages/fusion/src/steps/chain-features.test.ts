import { describe, expect, it } from 'vitest';
import { traceFusion } from '../fuse.js';
import { DEFAULT_FUSION_OPTIONS } from '../options.js';
import { syntheticSpine } from '../synthetic.js';
import { chainFeatures, depthOverHeight } from './chain-features.js';

const LANDMARK_MODEL = ['background', 'vertebra', 'C2', 'S1', 'T1', 'T12'];

describe('chainFeatures', () => {
  it('reads each chain body as the decoder sees it: shape, area, edge contact', () => {
    const s = syntheticSpine({ view: 'lumbar' });
    const t = traceFusion(s);
    const ratios = t.features.ratios();
    expect(ratios).toHaveLength(7);
    // Lumbar bodies are drawn 1.5 times as deep as high.
    for (const r of ratios) expect(r).toBeCloseTo(1.5, 0);
    const bodies = t.features.bodies();
    expect(bodies.map((b) => b.truncated)).toEqual(Array(7).fill(false));
    expect(bodies[0]).not.toHaveProperty('marked');
    expect(bodies[0]!.area).toBe(t.bodies.stats.area[t.bodies.alive[t.chain.order[0]!]!]);
  });

  it('marks bodies only for a model that has the far-end landmark class, and reads the level head', () => {
    const s = syntheticSpine({ view: 'lumbar', classes: LANDMARK_MODEL });
    s.foreground.levels = { offsets: [0, 1], width: 4, height: 4, probability: new Float32Array(32).fill(0.5) };
    const t = traceFusion(s);
    const f = chainFeatures(
      t.bodies,
      t.chain,
      t.landmarks,
      { frame: t.input.frame, roi: t.masks.roi, levelGrid: s.foreground.levels, instances: s.instances },
      DEFAULT_FUSION_OPTIONS,
    );
    const bodies = f.bodies('lumbar');
    expect(bodies.map((b) => b.marked)).toEqual(Array(7).fill(false));
    expect(bodies.every((b) => b.levels !== undefined)).toBe(true);
    const off = chainFeatures(
      t.bodies,
      t.chain,
      t.landmarks,
      { frame: t.input.frame, roi: t.masks.roi, levelGrid: s.foreground.levels },
      { ...DEFAULT_FUSION_OPTIONS, levelWeight: 0 },
    );
    expect(off.bodies('lumbar').some((b) => 'levels' in b || 'marked' in b)).toBe(false);
  });
});

describe('depthOverHeight', () => {
  it('needs two bodies for a direction', () => {
    const t = traceFusion(syntheticSpine({ view: 'cervical' }));
    expect(depthOverHeight([0], t.bodies.points, t.bodies.alive, t.bodies.stats)).toEqual([]);
    expect(depthOverHeight(t.chain.order, t.bodies.points, t.bodies.alive, t.bodies.stats)).toEqual(t.features.ratios());
  });
});
