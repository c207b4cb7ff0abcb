import { frameFor, type ForegroundMap, type InstanceSet } from '@vertxnet/core';
import { describe, expect, it } from 'vitest';
import { cropImage, detectionsExtent, foregroundExtent, REGION_SHARE, regionWindow, zoomForeground, zoomInstances } from './region.js';

/** A foreground map of `frame` with probability 255 inside [x0, x1) × [y0, y1). */
function mapWith(frame: ReturnType<typeof frameFor>, x0: number, y0: number, x1: number, y1: number): ForegroundMap {
  const probability = new Uint8Array(frame.width * frame.height);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) probability[y * frame.width + x] = 255;
  return { frame, probability, viewScores: { cervical: 0.8, lumbar: 0.2 } };
}

describe('the region window', () => {
  // A 2000 × 1600 film on a 100-pixel frame: 20 source pixels per frame pixel.
  const frame = frameFor(2000, 1600, 100);

  it('is half the film, centred on a small extent in a corner, and clamped to the film', () => {
    const extent = { ...foregroundExtent(mapWith(frame, 70, 60, 90, 78))!, bodies: 3 };
    expect(extent).toMatchObject({ x0: 70, y0: 60, x1: 90, y1: 78 });
    const window = regionWindow(extent, frame, 3)!;
    expect(window).toEqual({ x: 1000, y: 600, width: 1000, height: 1000 });
    const centre = { x: ((70 + 90) / 2) * 20, y: ((60 + 78) / 2) * 20 };
    expect(centre.x).toBeGreaterThanOrEqual(window.x);
    expect(centre.x).toBeLessThan(window.x + window.width);
    expect(centre.y).toBeGreaterThanOrEqual(window.y);
  });

  it('is not taken when the extent spans more than the share of the film, or when nothing was found', () => {
    const wide = Math.ceil(REGION_SHARE * 100) + 1;
    expect(regionWindow({ x0: 0, y0: 10, x1: wide, y1: 20, bodies: 5 }, frame, 3)).toBeUndefined();
    expect(regionWindow(foregroundExtent(mapWith(frame, 0, 0, 0, 0)), frame, 1)).toBeUndefined();
    expect(regionWindow(detectionsExtent({ frame, detections: [] }), frame, 1)).toBeUndefined();
  });

  it('is not taken when too few bodies were gathered to be a spine', () => {
    const small = { x0: 70, y0: 60, x1: 90, y1: 78 };
    expect(regionWindow({ ...small, bodies: 2 }, frame, 3)).toBeUndefined();
    expect(regionWindow({ ...small, bodies: 3 }, frame, 3)).toBeDefined();
  });

  it('is as tall as the film when the film is shorter than half its long side', () => {
    const strip = frameFor(3000, 1000, 300);
    const window = regionWindow({ x0: 10, y0: 10, x1: 40, y1: 60, bodies: 4 }, strip, 3)!;
    expect(window).toEqual({ x: 0, y: 0, width: 1500, height: 1000 });
  });

  it('gathers the spine from its sure pixels, counts its bodies, and leaves unsure or far marks out', () => {
    const map = mapWith(frame, 60, 50, 66, 56); // a body, sure
    for (let y = 58; y < 64; y++) for (let x = 61; x < 67; x++) map.probability[y * frame.width + x] = 250; // the next body, 2 px below
    for (let y = 66; y < 68; y++) for (let x = 62; x < 64; x++) map.probability[y * frame.width + x] = 250; // a speck: gathered, not a body
    for (let y = 5; y < 25; y++) for (let x = 10; x < 40; x++) map.probability[y * frame.width + x] = 180; // a large, unsure patch
    for (let y = 5; y < 8; y++) for (let x = 80; x < 83; x++) map.probability[y * frame.width + x] = 255; // a small sure mark far away
    expect(foregroundExtent(map)).toEqual({ x0: 60, y0: 50, x1: 67, y1: 68, bodies: 2 });
    // A mark within the link distance (1.5 × the first part's 6 px) joins.
    for (let y = 50; y < 56; y++) for (let x = 70; x < 76; x++) map.probability[y * frame.width + x] = 255;
    expect(foregroundExtent(map)).toEqual({ x0: 60, y0: 50, x1: 76, y1: 68, bodies: 3 });
  });

  it('takes the boxes of the detections gathered from the best-scoring one as the extent', () => {
    const set: InstanceSet = {
      frame,
      detections: [
        { className: 'C2', score: 0.9, box: [10, 20, 15, 26], mask: { x: 10, y: 20, width: 5, height: 6, data: new Uint8Array(30).fill(1) } },
        { className: 'vertebra', score: 0.8, box: [12, 30, 18, 35], mask: { x: 12, y: 30, width: 6, height: 5, data: new Uint8Array(30).fill(1) } },
        // A lower-scored mark far from the best one (an 'S1' on a skull vault) is left out.
        { className: 'S1', score: 0.4, box: [80, 5, 90, 15], mask: { x: 80, y: 5, width: 10, height: 10, data: new Uint8Array(100).fill(1) } },
      ],
    };
    expect(detectionsExtent(set)).toEqual({ x0: 10, y0: 20, x1: 18, y1: 35, bodies: 2 });
    // A second class on a body already counted (a 'C2' on the same box) is the same body.
    set.detections.push({
      className: 'vertebra',
      score: 0.7,
      box: [10.5, 20, 15, 26],
      mask: { x: 10, y: 20, width: 5, height: 6, data: new Uint8Array(30).fill(1) },
    });
    expect(detectionsExtent(set)!.bodies).toBe(2);
  });
});

describe('cropImage', () => {
  it('copies the window’s rows', () => {
    const image = Uint8Array.from({ length: 20 }, (_, i) => i); // 5 × 4
    expect(Array.from(cropImage(image, 5, { x: 1, y: 2, width: 3, height: 2 }))).toEqual([11, 12, 13, 16, 17, 18]);
  });
});

describe('zooming the answer', () => {
  const film = frameFor(200, 200, 100);
  const window = { x: 100, y: 100, width: 100, height: 100 };
  const cropFrame = frameFor(100, 100, 100);

  it('the foreground: the window pass inside the window, the first pass outside, the heads of the first pass', () => {
    const coarse = mapWith(film, 0, 0, 10, 10); // a blob in the top-left corner, outside the window
    const fine = { ...mapWith(cropFrame, 0, 0, 100, 100), viewScores: { cervical: 0.1, lumbar: 0.9 } };
    const zoomed = zoomForeground(coarse, fine, window);
    expect(zoomed.frame.size).toBe(200);
    const at = (x: number, y: number) => zoomed.probability[y * zoomed.frame.width + x];
    expect(at(5, 5)).toBe(255); // the coarse blob, twice as large
    expect(at(25, 25)).toBe(0);
    expect(at(150, 150)).toBe(255); // the window pass
    expect(at(99, 150)).toBe(0);
    expect(zoomed.viewScores).toEqual({ cervical: 0.8, lumbar: 0.2 });
  });

  it('the detections: of one class at one place the better-scored pass’s, every other of either pass', () => {
    const box = (x: number, y: number, side: number) => ({
      box: [x, y, x + side, y + side] as [number, number, number, number],
      mask: { x, y, width: side, height: side, data: new Uint8Array(side * side).fill(1) },
    });
    const coarse: InstanceSet = {
      frame: film,
      classes: ['background', 'vertebra', 'T1'],
      detections: [
        { className: 'vertebra', score: 0.6, ...box(50, 50, 4) }, // the window's pass finds it again, surer: replaced
        { className: 'T1', score: 0.9, ...box(40, 45, 4) }, // the window's pass finds it less surely: kept
        { className: 'vertebra', score: 0.7, ...box(2, 2, 2) }, // outside the window: kept
      ],
    };
    // The finer frame has one pixel per film pixel: a box at (x, y) on the first pass's frame lies at
    // (2x, 2y), one at (x, y) in the window at (60, 60) lies at (x + 60, y + 60).
    const fine: InstanceSet = {
      frame: cropFrame,
      detections: [
        { className: 'vertebra', score: 0.95, ...box(40, 40, 8) },
        { className: 'T1', score: 0.4, ...box(20, 30, 8) },
        { className: 'vertebra', score: 0.5, ...box(80, 80, 4) }, // only the window's pass: kept
      ],
    };
    const zoomed = zoomInstances(coarse, fine, { x: 60, y: 60, width: 100, height: 100 });
    expect(zoomed.frame.size).toBe(200);
    expect(zoomed.classes).toEqual(['background', 'vertebra', 'T1']);
    expect(zoomed.detections.map((d) => [d.className, d.score, d.box])).toEqual([
      ['vertebra', 0.95, [100, 100, 108, 108]],
      ['T1', 0.9, [80, 90, 88, 98]],
      ['vertebra', 0.7, [4, 4, 8, 8]],
      ['vertebra', 0.5, [140, 140, 144, 144]],
    ]);
  });
});
