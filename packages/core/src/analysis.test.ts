import { describe, expect, it } from 'vitest';
import { frameFor, likeliestOffsetAt, type LevelGrid } from './analysis.js';

describe('likeliestOffsetAt', () => {
  // A 2 × 2 grid over a 256 frame of a 512 × 512 film (scale 0.5): offset 1 wins in the top-left
  // cell, 0 in the top-right one, -1 in the bottom-right one.
  const grid: LevelGrid = {
    offsets: [-1, 0, 1],
    width: 2,
    height: 2,
    // prettier-ignore
    probability: Float32Array.from([
      0.1, 0.2, 0.3, 0.7,   // offset -1
      0.2, 0.5, 0.4, 0.2,   // offset 0
      0.7, 0.3, 0.3, 0.1,   // offset 1
    ]),
  };
  const frame = frameFor(512, 512, 256);

  it('reads the cell under a source point', () => {
    expect(likeliestOffsetAt(grid, frame, 10, 10)).toEqual({ offset: 1, probability: expect.closeTo(0.7, 6) });
    expect(likeliestOffsetAt(grid, frame, 300, 10)).toEqual({ offset: 0, probability: expect.closeTo(0.5, 6) });
    expect(likeliestOffsetAt(grid, frame, 500, 500)).toEqual({ offset: -1, probability: expect.closeTo(0.7, 6) });
  });

  it('keeps a point on the far edge in the last cell', () => {
    expect(likeliestOffsetAt(grid, frame, 512, 512).offset).toBe(-1);
  });
});
