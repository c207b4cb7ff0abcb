import { describe, expect, it } from 'vitest';
import { drawRotatedRect } from '../synthetic.js';
import { evaluateImage } from './evaluate.js';
import { summariseEval } from './summary.js';
import { renderEvalMarkdown } from './markdown.js';
import { rasteriseCoco } from './rasterise.js';

const W = 100;
const H = 200;

/** Three 40×30 bodies at y = 30, 80, 130 with codes given per body (0 = absent). */
function mask(codes: [number, number, number], shift = 0): Uint8Array {
  const m = new Uint8Array(W * H);
  codes.forEach((code, i) => {
    if (code) drawRotatedRect(m, W, H, { cx: 50 + shift, cy: 30 + 50 * i, w: 40, h: 30, angle: 0 }, code);
  });
  return m;
}

describe('evaluateImage', () => {
  it('scores a perfect prediction 1 everywhere', () => {
    const gt = mask([20, 21, 22]);
    const e = evaluateImage(gt, gt, W, H);
    expect(e.meanDice).toBe(1);
    expect(e.identificationRate).toBe(1);
    expect(e.detection).toEqual({ tp: 3, fp: 0, fn: 0, precision: 1, recall: 1 });
  });

  it('scores a mislabelled vertebra 0 but still counts it as detected', () => {
    const gt = mask([20, 21, 22]);
    const pred = mask([20, 23, 22]); // L2 called L4
    const e = evaluateImage(pred, gt, W, H);
    expect(e.levels.map((l) => [l.level, l.dice])).toEqual([
      ['L1', 1],
      ['L2', 0],
      ['L3', 1],
    ]);
    expect(e.meanDice).toBeCloseTo(2 / 3, 10);
    expect(e.identificationRate).toBeCloseTo(2 / 3, 10);
    expect(e.extraLevels).toEqual(['L4']);
    expect(e.detection.tp).toBe(3);
    expect(e.detection.precision).toBe(1);
  });

  it('scores a missed vertebra 0 and a shifted one by its overlap', () => {
    const gt = mask([20, 21, 22]);
    const pred = mask([20, 0, 22], 0);
    const e = evaluateImage(pred, gt, W, H);
    expect(e.levels[1]!.dice).toBe(0);
    expect(e.detection).toMatchObject({ tp: 2, fp: 0, fn: 1 });
    // Shifted by 10 px of a 40 px width: overlap 30/40 → Dice 0.75, IoU 0.6 → still identified.
    const shifted = evaluateImage(mask([20, 21, 22], 10), gt, W, H);
    expect(shifted.levels[0]!.dice).toBeCloseTo(0.75, 2);
    expect(shifted.levels[0]!.identified).toBe(true);
    // By 20 px: Dice 0.5, IoU 1/3 → not identified, not detected.
    const far = evaluateImage(mask([20, 21, 22], 20), gt, W, H);
    expect(far.levels[0]!.identified).toBe(false);
    expect(far.detection).toMatchObject({ tp: 0, fp: 3, fn: 3 });
  });

  it('rejects masks of the wrong size', () => {
    expect(() => evaluateImage(new Uint8Array(3), new Uint8Array(W * H), W, H)).toThrow();
  });
});

describe('summariseEval', () => {
  it('pools Dice over vertebrae, rates flags and builds subsets', () => {
    const gt = mask([20, 21, 22]);
    const good = evaluateImage(gt, gt, W, H);
    const bad = evaluateImage(mask([20, 23, 22]), gt, W, H);
    const s = summariseEval(
      [
        { name: 'a', evaluation: good, flags: [], view: 'lumbar' },
        { name: 'b', evaluation: bad, flags: ['reference-not-found', 'low-confidence'], view: 'lumbar' },
      ],
      { a: { ankylosingSpondylitis: false }, b: { ankylosingSpondylitis: true, partialView: true } },
    );
    expect(s.vertebrae).toBe(6);
    expect(s.meanDice).toBeCloseTo(5 / 6, 10);
    expect(s.perLevel['L2']).toEqual({ dice: 0.5, identification: 0.5, n: 2 });
    expect(s.identificationAccuracy).toBeCloseTo(5 / 6, 10);
    expect(s.qcFlagRates['reference-not-found']).toBe(0.5);
    expect(s.qcFlagRates.empty).toBe(0);
    expect(s.subsets['ankylosing spondylitis']!.meanDice).toBeCloseTo(2 / 3, 10);
    expect(s.subsets['no ankylosing spondylitis']!.meanDice).toBe(1);
    expect(s.subsets['partial view']!.images).toBe(1);
    expect(s.subsets['view: lumbar']!.images).toBe(2);
    expect(s.subsets['view: cervical']).toBeUndefined();
    const md = renderEvalMarkdown(s);
    expect(md).toContain('| L2 | 2 | 0.500 | 50.0% |');
    expect(md).toContain('| reference-not-found | 50.0% |');
    expect(md).toContain('| ankylosing spondylitis | 1 | 3 | 0.667 |');
  });
});

describe('rasteriseCoco', () => {
  it('fills polygons at pixel centres with the category id, holes by even-odd', () => {
    const m = rasteriseCoco(
      [
        {
          category_id: 22,
          segmentation: [
            [10, 10, 30, 10, 30, 20, 10, 20],
            [15, 12, 20, 12, 20, 17, 15, 17],
          ],
        },
      ],
      40,
      30,
    );
    expect(m.reduce((n, v) => n + (v === 22 ? 1 : 0), 0)).toBe(20 * 10 - 5 * 5);
    expect(m[11 * 40 + 10]).toBe(22);
    expect(m[11 * 40 + 30]).toBe(0);
    expect(m[14 * 40 + 17]).toBe(0);
  });
});
