import { describe, expect, it } from 'vitest';
import { frameFor } from '@vertxnet/core';
import type { FusedVertebra } from '../types.js';
import type { VertebraMeasurements } from './corners.js';
import { lordosis } from './lordosis.js';
import { measureSpace } from './space.js';

const space = measureSpace({ frame: frameFor(100, 100, 100) });
const at = (level: FusedVertebra['level']): FusedVertebra => ({
  level,
  verseCode: null,
  score: 1,
  source: 'both',
  bbox: [0, 0, 1, 1],
  area: 1,
  centroid: [0, 0],
  chainIndex: 0,
});
/** A body whose superior endplate runs from posterior (right) to anterior (left), dropping `drop` px. */
const endplate = (drop: number) =>
  ({
    corners: { superiorPosterior: [60, 10], superiorAnterior: [40, 10 + drop], inferiorPosterior: [60, 30], inferiorAnterior: [40, 30 + drop] },
  }) as unknown as VertebraMeasurements;

describe('lordosis', () => {
  it('is the angle between the L1 and S1 superior endplates, against the spine axis', () => {
    const l = lordosis({ view: 'lumbar', vertebrae: [at('L1'), at('S1')] }, [endplate(0), endplate(20)], [0, 1], [-1, 0], space);
    expect(l).toEqual({ name: 'L1-S1', degrees: 45, levels: ['L1', 'S1'] });
  });

  it('uses the C2 and C7 inferior endplates on a cervical film', () => {
    const l = lordosis({ view: 'cervical', vertebrae: [at('C2'), at('C7')] }, [endplate(20), endplate(0)], [0, 1], [-1, 0], space);
    expect(l).toEqual({ name: 'C2-C7', degrees: -45, levels: ['C2', 'C7'] });
  });

  it('is undefined without a view or either end body', () => {
    expect(lordosis({ view: null, vertebrae: [at('L1'), at('S1')] }, [endplate(0), endplate(20)], [0, 1], [-1, 0], space)).toBeUndefined();
    expect(lordosis({ view: 'lumbar', vertebrae: [at('L1'), at('S1')] }, [endplate(0), undefined], [0, 1], [-1, 0], space)).toBeUndefined();
  });
});
