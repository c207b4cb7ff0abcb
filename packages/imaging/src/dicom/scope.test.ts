import { describe, expect, it } from 'vitest';
import { scopeFromTags } from './describe.js';

describe('scopeFromTags', () => {
  it.each([
    [{ viewPosition: 'AP' }, /View Position is AP/],
    [{ viewPosition: 'pa ' }, /View Position is PA/],
    [{ viewPosition: 'LLO', bodyPart: 'LSPINE' }, /View Position is LLO/],
    [{ bodyPart: 'CHEST', viewPosition: 'LL' }, /Body Part Examined is CHEST/],
    [{ bodyPart: 'T-SPINE' }, /Body Part Examined is TSPINE/],
    [{ bodyPart: 'KNEE' }, /Body Part Examined is KNEE/],
    [{ seriesDescription: 'L-SPINE AP' }, /frontal or oblique/],
    [{ seriesDescription: 'Thorax p.a.' }, /frontal or oblique|region other/],
    [{ seriesDescription: 'CHEST 1 VIEW' }, /region other/],
  ])('puts %j out of scope', (tags, reason) => {
    expect(scopeFromTags(tags)).toMatch(reason);
  });

  it.each([
    [{}],
    [{ viewPosition: 'LL', bodyPart: 'LSPINE', seriesDescription: 'L-SPINE LAT' }],
    [{ viewPosition: 'RL', bodyPart: 'CSPINE' }],
    [{ bodyPart: 'SPINE', seriesDescription: 'SPINE LAT' }],
    // A series holding both projections says nothing about this image.
    [{ seriesDescription: 'L-SPINE AP+LAT' }],
    [{ seriesDescription: 'C-SPINE' }],
  ])('leaves %j to the pipeline', (tags) => {
    expect(scopeFromTags(tags)).toBeUndefined();
  });
});
