import { describe, expect, it } from 'vitest';
import { DEFAULT_FUSION_OPTIONS } from '../options.js';
import { syntheticSpine } from '../synthetic.js';
import { checkInput } from './input.js';
import { instanceCandidates, maskModels, unionRect } from './masks.js';

describe('maskModels', () => {
  it('finds one U-Net component and one candidate per body, and the scale of a body', () => {
    const s = syntheticSpine({ view: 'lumbar' });
    const m = maskModels(checkInput(s), DEFAULT_FUSION_OPTIONS);
    expect(m.components?.count).toBe(7);
    expect(m.candidates).toHaveLength(7);
    const drawn = s.bodies[0]!.w * s.bodies[0]!.h;
    expect(m.typicalArea / drawn).toBeGreaterThan(0.8);
    expect(m.typicalArea / drawn).toBeLessThan(1.2);
    expect(m.typicalSide).toBeCloseTo(Math.sqrt(m.typicalArea), 10);
    for (const c of m.candidates) expect(c.x0 >= m.roi[0] && c.y0 >= m.roi[1] && c.x1 <= m.roi[2] && c.y1 <= m.roi[3]).toBe(true);
  });

  it('scales the smallest body with the frame and works from one model alone', () => {
    const s = syntheticSpine({ view: 'cervical', size: 1024 });
    const unet = maskModels(checkInput({ foreground: s.foreground }), DEFAULT_FUSION_OPTIONS);
    expect(unet.minArea).toBe(48);
    expect(unet.candidates).toEqual([]);
    const rcnn = maskModels(checkInput({ instances: s.instances }), DEFAULT_FUSION_OPTIONS);
    expect(rcnn.components).toBeUndefined();
    expect(rcnn.fgRect).toBeNull();
    expect(rcnn.candidates).toHaveLength(7);
  });
});

describe('instanceCandidates', () => {
  it('turns a weak landmark detection into a mark on the body it overlaps, not a body', () => {
    const s = syntheticSpine({ view: 'cervical', referenceClass: false });
    const first = s.instances.detections[0]!;
    s.instances.detections.push({ ...first, className: 'C2', score: 0.45 });
    const o = { ...DEFAULT_FUSION_OPTIONS, referenceThreshold: 0.4 };
    const kept = instanceCandidates(s.instances, s.frame, o, 4);
    expect(kept).toHaveLength(7);
    expect(kept.map((c) => c.landmarkScore.C2).filter((v) => v > 0)).toEqual([0.45]);
  });
});

describe('unionRect', () => {
  it('holds the foreground bounds and every candidate; nothing gives an empty rectangle', () => {
    expect(unionRect(null, [])).toEqual([0, 0, 0, 0]);
    expect(unionRect([10, 10, 20, 20], [])).toEqual([10, 10, 20, 20]);
    const c = { x0: 5, y0: 12, x1: 15, y1: 30 } as Parameters<typeof unionRect>[1][number];
    expect(unionRect([10, 10, 20, 20], [c])).toEqual([5, 10, 20, 30]);
  });
});
