import { describe, expect, it } from 'vitest';
import type { ChainDecoding } from './anchor.js';
import { VIEW_EVIDENCE_MODEL } from './view-evidence-fitted.js';
import { VIEW_EVIDENCE_FEATURES, cervicalProbability, evidenceRow, viewEvidence, type ViewEvidenceModel } from './view-evidence.js';

const none = { C2: 0, S1: 0, T1: 0, T12: 0 };
const decoding = (cost: number) => ({ firstLevelIndex: 0, cost }) as ChainDecoding;

describe('viewEvidence', () => {
  it('reads each piece as positive for cervical', () => {
    const e = viewEvidence(
      { C2: 0.9, S1: 0.2, T1: 0.6, T12: 0 },
      { cervical: 0.8, lumbar: 0.2 },
      { cervical: decoding(4), lumbar: decoding(12) },
      4,
      [1.1, 1.0, 1.2],
    );
    expect(e.head).toBeCloseTo(Math.log(4));
    expect(e.reference).toBeCloseTo(Math.log(0.8 / 0.1));
    expect(e.landmark).toBeCloseTo(-Math.log(0.4));
    expect(e.decoding).toBeCloseTo(2);
    expect(e.shape).toBeCloseTo(Math.log(1.3 / 1.1) / 0.12);
  });

  it('clamps a sure head and a lopsided decoding, and says nothing where a piece is missing', () => {
    const e = viewEvidence(none, { cervical: 0, lumbar: 1 }, { cervical: decoding(40), lumbar: decoding(0) }, 2, []);
    expect(e.head).toBeCloseTo(Math.log(0.02 / 0.98));
    expect(e.decoding).toBe(-3);
    expect(e).toMatchObject({ reference: 0, landmark: 0, shape: 0 });
    expect(viewEvidence(none, undefined, undefined, 1, [Number.NaN])).toEqual({ head: 0, reference: 0, landmark: 0, decoding: 0, shape: 0 });
  });
});

describe('cervicalProbability', () => {
  it('is the logistic of the weighted evidence', () => {
    const model: ViewEvidenceModel = { weights: { bias: 0.5, head: 1, reference: 2, landmark: 0, decoding: 0, shape: 0 }, provenance: {} };
    const e = { head: -1, reference: 0.25, landmark: 9, decoding: 9, shape: 9 };
    expect(cervicalProbability(e, model)).toBeCloseTo(1 / (1 + Math.exp(-0)));
    expect(evidenceRow(e)).toEqual([1, -1, 0.25, 9, 9, 9]);
  });

  it('ships a fitted model in which every piece speaks for its own view', () => {
    for (const f of VIEW_EVIDENCE_FEATURES.filter((f) => f !== 'bias')) expect(VIEW_EVIDENCE_MODEL.weights[f]).toBeGreaterThan(0);
    expect(VIEW_EVIDENCE_MODEL.provenance).toHaveProperty('command');
  });
});
