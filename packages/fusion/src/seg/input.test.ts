import { describe, expect, it } from 'vitest';
import { checkSegInput, isUid, type SegInput } from './input.js';

const input = (extra: Partial<SegInput> = {}): SegInput => ({
  width: 4,
  height: 2,
  labels: new Uint8Array(8),
  segments: [{ verseCode: 22, level: 'L2' }],
  source: { sopInstanceUid: '1.2.3', sopClassUid: '1.2.840.10008.5.1.4.1.1.1.1' },
  algorithm: { name: 'VertXNet', version: 'test' },
  ...extra,
});

describe('checkSegInput', () => {
  it("gives each segment its level's SNOMED CT type", () => {
    const [type] = checkSegInput(input());
    expect(type!.meaning).toMatch(/L2|second lumbar/i);
  });

  it('refuses what cannot become a SEG', () => {
    expect(() => checkSegInput(input({ labels: new Uint8Array(7) }))).toThrow(/7 pixels, 4x2 expected/);
    expect(() => checkSegInput(input({ segments: [] }))).toThrow(/no labelled vertebra/);
    expect(() => checkSegInput(input({ width: 70000, labels: new Uint8Array(140000) }))).toThrow(/too large/);
    expect(() => checkSegInput(input({ source: { sopInstanceUid: '1.02', sopClassUid: '1.2' } }))).toThrow(/sopInstanceUid is not a valid DICOM UID/);
  });
});

describe('isUid', () => {
  it('takes digits and dots without leading zeros, up to 64 characters', () => {
    expect(isUid('1.2.840.10008.5.1.4.1.1.66.4')).toBe(true);
    expect(isUid('0.1')).toBe(true);
    expect(isUid('1.02')).toBe(false);
    expect(isUid('1..2')).toBe(false);
    expect(isUid(`1.${'2'.repeat(63)}`)).toBe(false);
  });
});
