import { describe, expect, it } from 'vitest';
import { verseCode } from '@vertxnet/core';
import { buildCocoRun, cocoCategories } from './coco.js';
import { fuse } from './fuse.js';
import { toSourceLabels } from './source-labels.js';
import { buildImageResult } from './result.js';
import { syntheticSpine } from './synthetic.js';
import { rasteriseCoco } from './eval/rasterise.js';
import { evaluateImage } from './eval/evaluate.js';

describe('buildCocoRun', () => {
  it('writes categories by VerSe code and polygon annotations that rasterise back to the labels', () => {
    const s = syntheticSpine({ view: 'cervical', sourceWidth: 700, sourceHeight: 900 });
    const fusion = fuse(s);
    const labels = toSourceLabels(fusion, s.foreground, 700, 900);
    const result = buildImageResult({ source: 'a.png', width: 700, height: 900, fusion, sourceLabels: labels, models: {}, timings: {} });
    const coco = buildCocoRun([{ id: 7, fileName: 'a.png', width: 700, height: 900, result }], new Date('2024-01-01T00:00:00Z'));
    expect(coco.images).toEqual([{ id: 7, file_name: 'a.png', width: 700, height: 900 }]);
    expect(coco.categories).toHaveLength(14);
    expect(coco.categories[0]).toEqual({ id: 2, name: 'C2', supercategory: 'vertebra' });
    expect(coco.categories.find((c) => c.name === 'S1')?.id).toBe(26);
    expect(cocoCategories().map((c) => c.id)).toEqual([2, 3, 4, 5, 6, 7, 8, 19, 20, 21, 22, 23, 24, 26]);
    expect(coco.annotations).toHaveLength(7);
    const a = coco.annotations[0]!;
    expect(a).toMatchObject({ id: 1, image_id: 7, category_id: verseCode('C2'), iscrowd: 0 });
    expect(a.segmentation[0]!.length % 2).toBe(0);
    expect(a.bbox).toHaveLength(4);
    expect(a.area).toBe(result.vertebrae[0]!.area);
    const back = rasteriseCoco(coco.annotations, 700, 900);
    expect(evaluateImage(back, labels, 700, 900).meanDice).toBeGreaterThan(0.98);
  });
});
