import { describe, expect, it } from 'vitest';
import { frameFor } from '@vertxnet/core';
import { fuse } from './fuse.js';
import { measure } from './measurements.js';
import { rasteriseCoco } from './eval/rasterise.js';
import { syntheticSpine } from './synthetic.js';
import type { FusionResult } from './types.js';

/** The geometry is under test here, not the calibration's `measureFrom` (calibration/apply.test.ts): every level counts as sure. */
const ANY_LEVEL = { minLevelProbability: 0 };

/** One body: a trapezoid with its anterior side (left) 40 px tall and posterior side 50 px tall. */
function trapezoidFusion(spacing?: { row: number; column: number }): FusionResult {
  const frame = frameFor(100, 100, 100);
  const mask = rasteriseCoco([{ category_id: 1, segmentation: [[20, 30, 80, 25, 80, 75, 20, 70]] }], 100, 100);
  const instanceMap = Int32Array.from(mask);
  return {
    view: 'lumbar',
    viewSource: 'metadata',
    frame,
    instanceMap,
    vertebrae: [
      {
        level: 'L3',
        verseCode: 22,
        score: 1,
        source: 'both',
        bbox: [20, 25, 80, 75],
        area: mask.reduce((a, b) => a + b, 0),
        centroid: [50, 50],
        chainIndex: 0,
      },
    ],
    qc: { flags: [], confidence: 1 },
    ...(spacing ? { pixelSpacing: spacing } : {}),
  };
}

describe('measure', () => {
  it('measures corners, heights, wedge ratio and endplate angles of a known trapezoid', () => {
    const m = measure(trapezoidFusion(), { anteriorSide: 'left' }).vertebrae[0]!;
    expect(m.unit).toBe('px');
    expect(m.corners.superiorAnterior[0]).toBeCloseTo(20.5, 0);
    expect(m.corners.superiorAnterior[1]).toBeCloseTo(30.5, 0);
    expect(m.corners.inferiorPosterior[0]).toBeCloseTo(79.5, 0);
    expect(m.anteriorHeight).toBeGreaterThan(38.5);
    expect(m.anteriorHeight).toBeLessThan(40.5);
    expect(m.posteriorHeight).toBeGreaterThan(48.5);
    expect(m.posteriorHeight).toBeLessThan(50.5);
    expect(m.middleHeight).toBeGreaterThan(43.5);
    expect(m.middleHeight).toBeLessThan(45.5);
    expect(m.wedgeRatio).toBeCloseTo(0.8, 1);
    // Superior endplate rises towards the right (posterior): +4.76°; inferior falls: −4.76°.
    expect(m.superiorEndplateAngle).toBeCloseTo(4.76, 0);
    expect(m.inferiorEndplateAngle).toBeCloseTo(-4.76, 0);
  });

  it('reports mm with pixel spacing (row and column spacing applied separately)', () => {
    const m = measure(trapezoidFusion({ row: 0.5, column: 0.25 }), { anteriorSide: 'left' }).vertebrae[0]!;
    expect(m.unit).toBe('mm');
    expect(m.anteriorHeight).toBeGreaterThan(19.25);
    expect(m.anteriorHeight).toBeLessThan(20.25);
    // Corners stay in source px.
    expect(m.corners.superiorAnterior[0]).toBeCloseTo(20.5, 0);
  });

  it('finds the anterior side from the lordotic bulge and measures L1–S1 lordosis', () => {
    // Heading turns 0.5 rad over six steps; L1 to S1 spans five: 0.5 × 5/6 rad = 23.9°.
    const lumbar = measure(fuse(syntheticSpine({ view: 'lumbar', lordosis: 0.5 })), ANY_LEVEL);
    expect(lumbar.image.anterior).toEqual({ side: 'left', basis: 'curvature' });
    expect(lumbar.image.lordosis?.name).toBe('L1-S1');
    expect(lumbar.image.lordosis!.degrees).toBeGreaterThan(21.9);
    expect(lumbar.image.lordosis!.degrees).toBeLessThan(25.9);
    const cervical = measure(fuse(syntheticSpine({ view: 'cervical', lordosis: 0.5 })), ANY_LEVEL);
    expect(cervical.image.lordosis?.name).toBe('C2-C7');
    expect(cervical.image.lordosis!.degrees).toBeGreaterThan(21.9);
    expect(cervical.image.lordosis!.degrees).toBeLessThan(25.9);
    // Rectangular synthetic bodies: no wedging.
    for (const v of lumbar.vertebrae) expect(v!.wedgeRatio).toBeCloseTo(1, 1);
  });

  it('finds anterior on the right for a mirrored film', () => {
    const s = syntheticSpine({ view: 'lumbar', lordosis: -0.5 });
    const m = measure(fuse(s), ANY_LEVEL);
    expect(m.image.anterior).toEqual({ side: 'right', basis: 'curvature' });
    expect(m.image.lordosis!.degrees).toBeGreaterThan(21.9);
  });
});
