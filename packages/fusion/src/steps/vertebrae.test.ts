import { describe, expect, it } from 'vitest';
import { traceFusion } from '../fuse.js';
import { syntheticSpine } from '../synthetic.js';
import { collectVertebrae } from './vertebrae.js';

describe('collectVertebrae', () => {
  it('numbers the bodies along the chain and paints the instance map with those numbers', () => {
    const t = traceFusion(syntheticSpine({ view: 'lumbar' }));
    const { instanceMap, vertebrae } = collectVertebrae(t.bodies, t.chain, t.labels, t.input.frame, t.masks.roi);
    expect(vertebrae.map((v) => v.level)).toEqual(['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1']);
    expect(vertebrae.map((v) => v.chainIndex)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    vertebrae.forEach((v, i) => {
      expect(instanceMap.filter((k) => k === i + 1).length).toBe(v.area);
      expect(v.verseCode).toBeGreaterThan(0);
      expect(v.source).toBe('both');
    });
  });

  it('trusts a body one model found less than one both found', () => {
    const s = syntheticSpine({ view: 'cervical' });
    s.instances.detections.splice(3, 1);
    const t = traceFusion(s);
    const { vertebrae } = collectVertebrae(t.bodies, t.chain, t.labels, t.input.frame, t.masks.roi);
    const unet = vertebrae.find((v) => v.source === 'unet')!;
    expect(unet.score).toBeLessThanOrEqual(0.6);
    expect(Math.min(...vertebrae.filter((v) => v.source === 'both').map((v) => v.score))).toBeGreaterThan(unet.score);
  });
});
