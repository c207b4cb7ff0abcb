import { describe, expect, it } from 'vitest';
import { histogram16, percentileNearestRank, rgbToLuma, toCanonical, windowLut } from './canonical.js';

describe('toCanonical', () => {
  it('uses 8-bit images as they are', () => {
    const data = new Uint8Array([0, 10, 255]);
    expect(toCanonical({ width: 3, height: 1, data }).data).toBe(data);
  });

  it('windows 16-bit images from the 0.5th to the 99.5th nearest-rank percentile', () => {
    // 1000 samples 1000..1999: rank ceil(5) = 5 → 1004; rank ceil(995) = 995 → 1994.
    const data = new Uint16Array(1000).map((_, i) => 1000 + i);
    const out = toCanonical({ width: 100, height: 10, data }).data;
    expect(out).toBeInstanceOf(Uint8Array);
    expect(out[0]).toBe(0); // below lo
    expect(out[4]).toBe(0); // lo
    expect(out[994]).toBe(255); // hi
    expect(out[999]).toBe(255); // above hi
    // (1499 - 1004) * (255 / 990) = 127.5 → half rounds up
    expect(out[499]).toBe(128);
    // (1100 - 1004) * (255 / 990) = 24.727… → 25
    expect(out[100]).toBe(25);
  });

  it('ignores a few extreme outliers', () => {
    const data = new Uint16Array(1000).fill(2000);
    for (let i = 0; i < 1000; i++) data[i] = 2000 + (i % 100);
    data[0] = 65535; // a marker or dead pixel
    data[1] = 0;
    const out = toCanonical({ width: 1000, height: 1, data }).data;
    expect(out[0]).toBe(255);
    expect(out[1]).toBe(0);
    expect(out[50]).toBeGreaterThan(120);
    expect(out[50]).toBeLessThan(135);
  });

  it('maps a constant image to 0', () => {
    const out = toCanonical({ width: 2, height: 2, data: new Uint16Array(4).fill(777) }).data;
    expect([...out]).toEqual([0, 0, 0, 0]);
  });

  it('percentiles follow nearest rank on the histogram', () => {
    const bins = histogram16(new Uint16Array([5, 1, 3, 3, 9]));
    expect(percentileNearestRank(bins, 5, 0.5)).toBe(1); // rank 1
    expect(percentileNearestRank(bins, 5, 50)).toBe(3); // rank 3
    expect(percentileNearestRank(bins, 5, 99.5)).toBe(9); // rank 5
  });

  it('windowLut clamps and rounds half up', () => {
    const lut = windowLut(10, 20);
    expect([lut[0], lut[10], lut[11], lut[15], lut[20], lut[65535]]).toEqual([0, 0, 26, 128, 255, 255]);
  });

  it('rgbToLuma keeps grey exact at both depths', () => {
    expect([...rgbToLuma(new Uint8Array([0, 0, 0, 255, 255, 255, 77, 77, 77]), 3)]).toEqual([0, 255, 77]);
    expect([...rgbToLuma(new Uint16Array([65535, 65535, 65535, 40000, 40000, 40000]), 2)]).toEqual([65535, 40000]);
  });
});
