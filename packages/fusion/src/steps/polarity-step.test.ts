import { frameFor } from '@vertxnet/core';
import { describe, expect, it } from 'vitest';
import type { FusionResult } from '../types.js';
import { readPolarity } from './polarity-step.js';

describe('readPolarity (which polarity the models read the film in)', () => {
  const frame = frameFor(10, 10, 10);
  const result = { qc: { flags: ['low-confidence'], confidence: 0.4 } } as unknown as FusionResult;
  const map = (inverted?: boolean) => ({ frame, probability: new Uint8Array(100), ...(inverted ? { inverted } : {}) });
  const set = (inverted?: boolean) => ({ frame, detections: [], ...(inverted ? { inverted } : {}) });

  it('records nothing on a film both models read as stored', () => {
    expect(readPolarity(result, { foreground: map(), instances: set() })).toBe(result);
  });

  it('records an inverted read where every model that ran read the film inverted', () => {
    expect(readPolarity(result, { foreground: map(true), instances: set(true) }).polarity).toBe('inverted');
    expect(readPolarity(result, { foreground: map(true) }).polarity).toBe('inverted');
  });

  it('records a mixed read, and raises model-disagreement, where only one model read it inverted', () => {
    const mixed = readPolarity(result, { foreground: map(), instances: set(true) });
    expect(mixed.polarity).toBe('mixed');
    expect(mixed.qc.flags).toEqual(['model-disagreement', 'low-confidence']);
  });
});
