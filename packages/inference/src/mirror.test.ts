import type { Frame, InstanceDetection } from '@vertxnet/core';
import { describe, expect, it } from 'vitest';
import { averageMirrored, combineMirroredHeads, mergeMirrored, mirrorDetections, mirrorImage } from './mirror.js';

const frame: Frame = { sourceWidth: 8, sourceHeight: 4, scale: 1, width: 8, height: 4, size: 8 };

function detection(className: string, score: number, x: number, y: number, w: number, h: number): InstanceDetection {
  const data = new Uint8Array(w * h);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + x) % 3 === 0 ? 1 : 0;
  return { className, score, box: [x, y, x + w, y + h], mask: { x, y, width: w, height: h, data } };
}

describe('test-time mirroring', () => {
  it('mirrors an image, and twice is the image again', () => {
    const img = Uint8Array.from({ length: 12 }, (_, i) => i);
    expect([...mirrorImage(img, 4, 3)]).toEqual([3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8]);
    expect(mirrorImage(mirrorImage(img, 4, 3), 4, 3)).toEqual(img);
  });

  it('averages a map with its mirrored pass so that the mirrored film gets exactly the mirrored map', () => {
    const a = Uint8Array.from({ length: 32 }, (_, i) => (i * 37) % 256);
    const b = Uint8Array.from({ length: 32 }, (_, i) => (i * 91 + 5) % 256);
    const fused = averageMirrored(a, b, frame);
    expect(fused[0]).toBe((a[0]! + b[7]! + 1) >> 1);
    // The mirrored film: its first pass is b, its mirrored pass is a.
    expect(averageMirrored(b, a, frame)).toEqual(mirrorImage(fused, 8, 4));
  });

  it('mirrors detections back (box and mask), and twice is the detection again', () => {
    const d = detection('vertebra', 0.9, 1, 0, 3, 2);
    const [m] = mirrorDetections([d], frame);
    expect(m!.box).toEqual([4, 0, 7, 2]);
    expect(m!.mask.x).toBe(4);
    expect([...m!.mask.data.subarray(0, 3)]).toEqual([...d.mask.data.subarray(0, 3)].reverse());
    expect(mirrorDetections([m!], frame)).toEqual([d]);
  });

  it('merges a body seen by both passes into one with their mean score, halves what one pass saw, keeps classes apart, and does not depend on the order of the passes', () => {
    const a = [detection('vertebra', 0.9, 0, 0, 3, 3), detection('C2', 0.7, 0, 0, 3, 3), detection('vertebra', 0.5, 5, 0, 3, 3)];
    const b = [detection('vertebra', 0.7, 0, 0, 3, 3), detection('vertebra', 0.8, 4, 1, 2, 2), detection('C2', 0.5, 0, 0, 3, 3)];
    const merged = mergeMirrored(a, b, frame, 0.3);
    // vertebra at the left: (0.9 + 0.7) / 2; C2: (0.7 + 0.5) / 2; the right-hand pair overlaps under 0.5, so each is alone and halved (0.25 is dropped).
    expect(merged.map((d) => `${d.className}@${d.score.toFixed(2)}`)).toEqual(['vertebra@0.80', 'C2@0.60', 'vertebra@0.40']);
    expect(merged[0]!.box).toEqual(a[0]!.box);
    expect(mergeMirrored(b, a, frame, 0.3)).toEqual(merged);
  });

  it('combines the heads of both passes: view and scope averaged, facing swapped, the level grid mirrored back across the content', () => {
    // Content 8 px wide in a 16 px frame, a level grid of 4 cells (4 px each): cell 0 mirrors to cell 1, cell 1 to cell 0.
    const wide: Frame = { sourceWidth: 8, sourceHeight: 16, scale: 1, width: 8, height: 16, size: 16 };
    const grid = (values: number[]) => ({ offsets: [0], width: 4, height: 1, probability: Float32Array.from(values) });
    const map = {
      frame: wide,
      probability: new Uint8Array(128),
      viewScores: { cervical: 0.2, lumbar: 0.8 },
      outOfScope: 0.1,
      facing: { left: 0.9, right: 0.1 },
      levels: grid([1, 0, 0, 0]),
    };
    const back = {
      frame: wide,
      probability: new Uint8Array(128),
      viewScores: { cervical: 0.4, lumbar: 0.6 },
      outOfScope: 0.3,
      facing: { left: 0.3, right: 0.7 },
      levels: grid([0.2, 0.5, 0, 0]),
    };
    combineMirroredHeads(map, back);
    expect(map.viewScores.lumbar).toBeCloseTo(0.7);
    expect(map.outOfScope).toBeCloseTo(0.2);
    expect(map.facing.left).toBeCloseTo(0.8);
    expect(map.facing.right).toBeCloseTo(0.2);
    // One column per frame pixel: columns 0–3 (cell 0) mirror onto 7–4 (cell 1) and the other way
    // round; columns right of the content look at the mirrored pass's first column (nothing is there to label).
    expect(map.levels.width).toBe(16);
    expect([...map.levels.probability].map((p) => Math.round(p * 100) / 100)).toEqual([...Array(4).fill(0.75), ...Array(12).fill(0.1)]);
  });

  it('gives a film and its mirror exactly mirrored level grids when the content does not fill the frame', () => {
    // Content 7 px wide in a 16 px frame: 1.75 cells of 4 px, which no cell-to-cell mirror maps onto itself.
    const narrow: Frame = { sourceWidth: 7, sourceHeight: 16, scale: 1, width: 7, height: 16, size: 16 };
    const grid = (values: number[]) => ({ offsets: [0, 1], width: 4, height: 2, probability: Float32Array.from(values) });
    const head = (levels: ReturnType<typeof grid>) => ({ frame: narrow, probability: new Uint8Array(256), levels });
    const first = grid([0.9, 0.3, 0.2, 0.1, 0.8, 0.4, 0.3, 0.2, 0.1, 0.7, 0.8, 0.9, 0.2, 0.6, 0.7, 0.8]);
    const second = grid([0.5, 0.6, 0.1, 0.3, 0.4, 0.2, 0.9, 0.1, 0.5, 0.4, 0.9, 0.7, 0.6, 0.8, 0.1, 0.3]);
    // The film: its first pass, then the pass on its mirror; the mirrored film: the same two the other way round.
    const film = head(first);
    combineMirroredHeads(film, head(second));
    const mirror = head(second);
    combineMirroredHeads(mirror, head(first));
    const at = (g: typeof film.levels, c: number, y: number, x: number) => g.probability[(c * g.height + y) * g.width + x];
    for (let c = 0; c < 2; c++) for (let y = 0; y < 2; y++) for (let x = 0; x < 7; x++) expect(at(mirror.levels, c, y, 6 - x)).toBe(at(film.levels, c, y, x));
  });
});
