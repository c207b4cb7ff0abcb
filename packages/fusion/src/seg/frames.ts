/**
 * Step 2: one BINARY frame per segment, bit-packed LSB first across frame boundaries (PS3.5 8.1.1),
 * padded to an even length.
 */
export function packSegmentFrames(labels: Uint8Array, pixels: number, segments: readonly { verseCode: number }[]): Uint8Array {
  const bits = new Uint8Array(Math.ceil((pixels * segments.length) / 8 / 2) * 2);
  segments.forEach((s, f) => {
    const base = f * pixels;
    for (let i = 0; i < pixels; i++) {
      if (labels[i] === s.verseCode) {
        const bit = base + i;
        bits[bit >> 3]! |= 1 << (bit & 7);
      }
    }
  });
  return bits;
}
