import { describe, expect, it } from 'vitest';
import { verseCode } from '@vertxnet/core';
import { fuse } from './fuse.js';
import { toSourceLabels } from './source-labels.js';
import { syntheticSpine, truthLabels } from './synthetic.js';
import { evaluateImage } from './eval/evaluate.js';
import { polygonArea, traceContour } from './contour.js';
import { rasteriseCoco } from './eval/rasterise.js';

/** A U-Net-like probability: the high-res truth area-averaged down to the frame (soft edges). */
function softForeground(truth: Uint8Array, sw: number, sh: number, fw: number, fh: number): Uint8Array {
  const out = new Uint8Array(fw * fh);
  const k = sw / fw;
  for (let y = 0; y < fh; y++) {
    for (let x = 0; x < fw; x++) {
      let n = 0;
      for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) if (truth[(y * k + dy) * sw + x * k + dx]) n++;
      out[y * fw + x] = Math.round((240 * n) / (k * k));
    }
  }
  return out;
}

describe('toSourceLabels', () => {
  const S = 2048;
  const spine = syntheticSpine({ view: 'lumbar', size: 256, sourceWidth: S, sourceHeight: S, tilt: 0.15 });
  const truth = truthLabels(spine, S, S, verseCode);
  spine.foreground.probability.set(softForeground(truth, S, S, 256, 256));
  const fusion = fuse(spine);

  it('upsamples with smooth boundaries: higher Dice at source size than nearest-neighbour', () => {
    const smooth = evaluateImage(toSourceLabels(fusion, spine.foreground, S, S), truth, S, S);
    const nearest = evaluateImage(toSourceLabels(fusion, spine.foreground, S, S, 'nearest'), truth, S, S);
    expect(smooth.levels).toHaveLength(7);
    expect(smooth.meanDice).toBeGreaterThan(0.99);
    expect(smooth.meanDice).toBeGreaterThan(nearest.meanDice + 0.01);
  });

  it('fills a body the U-Net caught only in part from its instance mask, at source size too', () => {
    const s = syntheticSpine({ view: 'lumbar', size: 256, sourceWidth: S, sourceHeight: S, tilt: 0.15 });
    const t = truthLabels(s, S, S, verseCode);
    s.foreground.probability.set(softForeground(t, S, S, 256, 256));
    // The U-Net misses the anterior two thirds of L3 (as under a shoulder or a bowel-gas shadow).
    const l3 = s.bodies.find((b) => b.level === 'L3')!;
    for (let y = 0; y < 256; y++)
      for (let x = 0; x < 256; x++) if (Math.abs(y - l3.cy) < l3.h / 2 + 2 && x < l3.cx + l3.w / 6) s.foreground.probability[y * 256 + x] = 0;
    const e = evaluateImage(toSourceLabels(fuse(s), s.foreground, S, S), t, S, S);
    const dice = e.levels.find((l) => l.level === 'L3')!.dice;
    expect(dice).toBeGreaterThan(0.85);
    expect(e.levels.every((l) => l.identified)).toBe(true);
  });

  it('leaves unlabelled bodies at 0 and rejects bad sizes', () => {
    const copy = { ...fusion, vertebrae: fusion.vertebrae.map((v, i) => (i === 0 ? { ...v, level: null, verseCode: null } : v)) };
    const labels = toSourceLabels(copy, spine.foreground, S, S);
    expect(labels.includes(verseCode('T12'))).toBe(false);
    expect(labels.includes(verseCode('L1'))).toBe(true);
    expect(() => toSourceLabels(fusion, spine.foreground, 0, S)).toThrow();
  });
});

describe('traceContour', () => {
  it('traces an exact outline and a simplified one that rasterises back to the same pixels', () => {
    const w = 40;
    const h = 30;
    const m = new Uint8Array(w * h);
    for (let y = 5; y < 20; y++) for (let x = 8 + (y - 5); x < 30; x++) m[y * w + x] = 7;
    const pixels = m.reduce((n, v) => n + (v ? 1 : 0), 0);
    const [exact] = traceContour(m, w, h, 7, 0);
    expect(polygonArea(exact!)).toBe(pixels);
    const [simple] = traceContour(m, w, h, 7, 0.5);
    expect(exact!.length).toBe(32);
    expect(simple!.length).toBeLessThanOrEqual(6);
    const back = rasteriseCoco([{ category_id: 7, segmentation: [simple!.flat()] }], w, h);
    expect(evaluateImage(back, m, w, h).levels[0]!.dice).toBeGreaterThan(0.97);
  });
});
