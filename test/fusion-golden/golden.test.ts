/**
 * Fusion must not change behaviour unnoticed: every golden image in every variant gives exactly
 * the frozen result (levels, boxes, areas, scores, flags, confidence, view, instance-map hash,
 * and in three variants the measurements); the SEG built from four of them stays the same too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, runGoldenSet } from './cases.js';
import { runSegGoldenSet } from './seg-cases.js';

describe('fusion golden set', () => {
  it('reproduces the frozen results exactly', () => {
    const expected = JSON.parse(readFileSync(join(FIXTURE_DIR, 'expected.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    const actual = runGoldenSet();
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const [image, variants] of Object.entries(expected)) {
      for (const [variant, result] of Object.entries(variants)) expect(actual[image]![variant], `${image} ${variant}`).toStrictEqual(result);
    }
  });

  it('builds the frozen DICOM Segmentations (UIDs, date and time aside)', () => {
    const expected = JSON.parse(readFileSync(join(FIXTURE_DIR, 'expected-seg.json'), 'utf8')) as Record<string, unknown>;
    const actual = runSegGoldenSet();
    expect(Object.keys(actual)).toEqual(Object.keys(expected));
    for (const [image, seg] of Object.entries(expected)) expect(actual[image], image).toStrictEqual(seg);
  });
});
