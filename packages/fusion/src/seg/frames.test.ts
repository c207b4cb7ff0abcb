import { describe, expect, it } from 'vitest';
import { packSegmentFrames } from './frames.js';

describe('packSegmentFrames', () => {
  it('packs one frame per segment, LSB first, across frame boundaries, to an even length', () => {
    // 3 pixels, two segments: frame 1 = [1, 0, 1] (code 22), frame 2 = [0, 1, 0] (code 23).
    const bits = packSegmentFrames(Uint8Array.from([22, 23, 22]), 3, [{ verseCode: 22 }, { verseCode: 23 }]);
    expect(bits).toEqual(Uint8Array.from([0b010101, 0]));
  });

  it('sets nothing for a segment whose code is absent', () => {
    const bits = packSegmentFrames(new Uint8Array(20), 20, [{ verseCode: 22 }]);
    expect(bits.length).toBe(4);
    expect(bits.every((b) => b === 0)).toBe(true);
  });
});
