import { describe, expect, it } from 'vitest';
import { el, type DicomItem, type DicomWriteElement } from '@vertxnet/imaging';
import { vertebraCode } from './codes.js';
import { perFrameGroups, pixelMeasures, segmentSequence } from './segments.js';

const items = (e: DicomWriteElement) => e.value as unknown as DicomItem[];
const value = (item: DicomItem, tag: number) => item.find((e) => e.tag === tag)?.value;

describe('segmentSequence', () => {
  it('numbers the segments from 1, names each by its level, marks them automatic', () => {
    const segments = [
      { verseCode: 22, level: 'L2' },
      { verseCode: 23, level: 'L3' },
    ];
    const sq = segmentSequence(
      segments,
      segments.map((s) => vertebraCode(s.level)),
      { name: 'VertXNet', version: '1' },
    );
    expect(sq.tag).toBe(0x00620002);
    expect(items(sq).map((i) => value(i, 0x00620004))).toEqual([1, 2]);
    expect(items(sq).map((i) => value(i, 0x00620005))).toEqual(['L2', 'L3']);
    expect(items(sq).map((i) => value(i, 0x00620008))).toEqual(['AUTOMATIC', 'AUTOMATIC']);
    const uids = items(sq).map((i) => value(i, 0x00620021));
    expect(new Set(uids).size).toBe(2);
  });
});

describe('perFrameGroups', () => {
  it('gives each frame its source reference and segment number', () => {
    const ref: DicomItem = [el(0x00081150, 'UI', '1.2'), el(0x00081155, 'UI', '1.2.3')];
    const sq = perFrameGroups(3, ref);
    expect(items(sq)).toHaveLength(3);
    expect(items(sq).map((i) => (value(i, 0x0062000a) as DicomItem[])[0]![0]!.value)).toEqual([1, 2, 3]);
  });
});

describe('pixelMeasures', () => {
  it('writes the spacing (6 decimals) and the slice thickness only when known', () => {
    expect(pixelMeasures(undefined, undefined)).toEqual([]);
    const m = pixelMeasures({ row: 0.1234567, column: 0.2 }, undefined);
    expect((m[0]!.value as DicomItem[])[0]).toEqual([el(0x00280030, 'DS', '0.123457\\0.2')]);
  });
});
