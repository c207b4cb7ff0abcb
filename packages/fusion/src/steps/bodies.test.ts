import { describe, expect, it } from 'vitest';
import { DEFAULT_FUSION_OPTIONS } from '../options.js';
import { regionStats } from '../regions.js';
import { syntheticSpine } from '../synthetic.js';
import { assignInstances } from './assign.js';
import { paintBodies, surveyBodies, touchesEdge } from './bodies.js';
import { checkInput } from './input.js';
import { maskModels } from './masks.js';

const paint = (s: ReturnType<typeof syntheticSpine>) => {
  const m = maskModels(checkInput(s), DEFAULT_FUSION_OPTIONS);
  return { m, painted: paintBodies(m, assignInstances(m), DEFAULT_FUSION_OPTIONS) };
};

describe('paintBodies', () => {
  it('splits a bridged component between its two instances', () => {
    const { painted } = paint(syntheticSpine({ view: 'cervical', fused: [['C4', 'C5']] }));
    expect(painted.regions.map((r) => r.source)).toEqual(Array(7).fill('both'));
    for (let k = 1; k <= 7; k++) expect(painted.regionMap.includes(k)).toBe(true);
  });

  it('keeps a body only one model found, saying which', () => {
    const s = syntheticSpine({ view: 'lumbar' });
    s.instances.detections.splice(2, 1);
    const d = s.instances.detections[4]!;
    const W = s.frame.width;
    for (let y = d.mask.y; y < d.mask.y + d.mask.height; y++) s.foreground.probability.fill(0, y * W + d.mask.x, y * W + d.mask.x + d.mask.width);
    const sources = paint(s).painted.regions.map((r) => r.source);
    expect(sources.filter((x) => x === 'unet')).toHaveLength(1);
    expect(sources.filter((x) => x === 'maskrcnn')).toHaveLength(1);
    expect(sources[sources.length - 1]).toBe('maskrcnn');
  });
});

describe('surveyBodies', () => {
  it('measures each painted body and drops those under minArea', () => {
    const { m, painted } = paint(syntheticSpine({ view: 'cervical' }));
    const speck = painted.regions.length + 1;
    painted.regions.push({ source: 'unet' });
    painted.regionMap[0] = speck;
    const b = surveyBodies(painted, m, undefined);
    expect(b.alive).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(b.points).toHaveLength(7);
    expect(b.points[0]).toEqual([b.stats.centroid[2], b.stats.centroid[3]]);
  });
});

describe('touchesEdge', () => {
  it('is true for a body within a pixel of the film edge', () => {
    const map = new Int32Array(100);
    map[11] = 1; // (1, 1)
    map[55] = 2;
    const stats = regionStats(map, 10, 10, 2);
    expect(touchesEdge(stats, 1, 10, 10)).toBe(true);
    expect(touchesEdge(stats, 2, 10, 10)).toBe(false);
  });
});
