import { describe, expect, it } from 'vitest';
import { frameFor, type InstanceDetection } from './analysis.js';
import { foregroundOnFrame, instancesOnFrame, paintProbability, reframeDetection, zoomedFrame } from './reframe.js';

describe('zoomedFrame', () => {
  it('is a frame of the same film, twice as fine', () => {
    const coarse = frameFor(1000, 600, 512);
    const fine = zoomedFrame(coarse, 2);
    expect(fine).toMatchObject({ sourceWidth: 1000, sourceHeight: 600, size: 1024, width: 1024 });
    expect(fine.scale).toBeCloseTo(2 * coarse.scale, 12);
    expect(fine.height).toBe(Math.round(600 * fine.scale));
  });
});

describe('paintProbability', () => {
  it('repeats each value in a 2 × 2 block on a frame twice as fine', () => {
    const coarse = frameFor(4, 2, 4);
    const fine = zoomedFrame(coarse, 2);
    const out = new Uint8Array(fine.width * fine.height);
    paintProbability(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), coarse, { x: 0, y: 0 }, fine, out);
    expect(Array.from(out.subarray(0, 8))).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(Array.from(out.subarray(8, 16))).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(Array.from(out.subarray(16, 24))).toEqual([5, 5, 6, 6, 7, 7, 8, 8]);
  });

  it('paints a crop only where the crop lies on the film, and leaves the rest', () => {
    const film = frameFor(8, 8, 8);
    const crop = frameFor(2, 2, 2); // a 2 × 2 window at (5, 1), one frame pixel per source pixel
    const out = new Uint8Array(64).fill(9);
    paintProbability(Uint8Array.from([10, 20, 30, 40]), crop, { x: 5, y: 1 }, film, out);
    expect(out[1 * 8 + 5]).toBe(10);
    expect(out[1 * 8 + 6]).toBe(20);
    expect(out[2 * 8 + 5]).toBe(30);
    expect(out[2 * 8 + 6]).toBe(40);
    expect(out.filter((v) => v !== 9)).toHaveLength(4);
  });
});

describe('reframeDetection', () => {
  const detection: InstanceDetection = {
    className: 'C2',
    score: 0.9,
    box: [1, 1, 3, 2],
    mask: { x: 1, y: 1, width: 2, height: 1, data: Uint8Array.from([1, 0]) },
  };

  it('moves a crop frame detection onto the film: box and mask offset and scaled', () => {
    const crop = frameFor(4, 4, 4);
    const film = frameFor(16, 16, 32); // twice as fine as the film's pixels
    const moved = reframeDetection(detection, crop, { x: 10, y: 4 }, film)!;
    expect(moved.box).toEqual([22, 10, 26, 12]);
    expect(moved.mask).toMatchObject({ x: 22, y: 10, width: 4, height: 2 });
    expect(Array.from(moved.mask.data)).toEqual([1, 1, 0, 0, 1, 1, 0, 0]);
    expect(moved.className).toBe('C2');
    expect(moved.score).toBe(0.9);
  });

  it('drops a detection that falls outside the film', () => {
    const crop = frameFor(4, 4, 4);
    expect(reframeDetection(detection, crop, { x: 40, y: 0 }, frameFor(16, 16, 16))).toBeUndefined();
  });
});

describe('foregroundOnFrame and instancesOnFrame', () => {
  it('carry the heads and the classes over, on the new frame', () => {
    const coarse = frameFor(4, 4, 4);
    const fine = zoomedFrame(coarse, 2);
    const map = foregroundOnFrame(
      { frame: coarse, probability: new Uint8Array(16).fill(200), viewScores: { cervical: 0.9, lumbar: 0.1 }, outOfScope: 0.01 },
      fine,
    );
    expect(map.frame).toEqual(fine);
    expect(map.probability).toHaveLength(64);
    expect(map.probability.every((p) => p === 200)).toBe(true);
    expect(map.viewScores).toEqual({ cervical: 0.9, lumbar: 0.1 });
    const set = instancesOnFrame(
      {
        frame: coarse,
        classes: ['background', 'vertebra'],
        detections: [{ className: 'vertebra', score: 0.8, box: [0, 0, 1, 1], mask: { x: 0, y: 0, width: 1, height: 1, data: Uint8Array.from([1]) } }],
      },
      fine,
    );
    expect(set.classes).toEqual(['background', 'vertebra']);
    expect(set.detections[0]!.box).toEqual([0, 0, 2, 2]);
    expect(Array.from(set.detections[0]!.mask.data)).toEqual([1, 1, 1, 1]);
  });
});
