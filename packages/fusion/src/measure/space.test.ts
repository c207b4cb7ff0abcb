import { describe, expect, it } from 'vitest';
import { frameFor } from '@vertxnet/core';
import { measureSpace, toPhysical } from './space.js';

describe('measureSpace', () => {
  it('scales frame px to source px, then to mm when the pixel spacing is known', () => {
    const frame = frameFor(2000, 1000, 512);
    const px = measureSpace({ frame });
    expect(px).toMatchObject({ width: frame.width, sx: 2000 / frame.width, sy: 1000 / frame.height, px: 1, py: 1, unit: 'px' });
    const mm = measureSpace({ frame, pixelSpacing: { row: 0.2, column: 0.1 } });
    expect(mm).toMatchObject({ px: 0.1, py: 0.2, unit: 'mm' });
    const p = toPhysical([10, 10], mm);
    expect(p[0]).toBeCloseTo(10 * mm.sx * 0.1, 12);
    expect(p[1]).toBeCloseTo(10 * mm.sy * 0.2, 12);
  });
});
