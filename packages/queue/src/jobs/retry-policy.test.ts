import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { InputError, StorageUnavailableError, TransientError } from '@vertxnet/core';
import { ModelsFailedError, STORAGE_RETRY, failureClassOf, jobOptions, retryDelay, storageOutageBudgetMs, unrecoverable } from '@vertxnet/queue';

const storage = new StorageUnavailableError('a.png: S3 unavailable (ECONNREFUSED)');

describe('retry policy', () => {
  it('classes failures by their error class', () => {
    expect(failureClassOf(unrecoverable('a.png: PNG is truncated'))).toBe('input');
    expect(failureClassOf(new UnrecoverableError('invalid payload'))).toBe('input');
    expect(failureClassOf(new ModelsFailedError('both models failed: …'))).toBe('models');
    expect(failureClassOf(storage)).toBe('storage');
    expect(failureClassOf(new TransientError('unet took longer than its limit'))).toBe('transient');
    expect(failureClassOf(new Error('boom'))).toBe('error');
    expect(failureClassOf(new InputError('not wrapped yet'))).toBe('error');
  });

  it('gives a storage outage 12 tries, doubling from the first delay up to a minute', () => {
    const delays = Array.from({ length: STORAGE_RETRY.attempts }, (_, i) => retryDelay('unet', i + 1, storage));
    expect(delays).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000, 60_000, 60_000, -1]);
    expect(storageOutageBudgetMs('unet')).toBe(422_000);
    expect(storageOutageBudgetMs('run')).toBeGreaterThan(storageOutageBudgetMs('unet'));
  });

  it('keeps the catalog tries for any other fault, whatever came before', () => {
    const other = new TransientError('unet took longer than its limit');
    expect([1, 2, 3].map((n) => retryDelay('fusion', n, other))).toEqual([2_000, 4_000, -1]);
    expect(retryDelay('fusion', 7, other)).toBe(-1); // after storage tries, one other fault ends it
    expect(retryDelay('run', 9, other)).toBeGreaterThan(0);
    expect(retryDelay('run', 10, other)).toBe(-1);
  });

  it("stores the outage tries and the policy's backoff type with every job", () => {
    expect(jobOptions('prepare')).toEqual({ attempts: 12, backoff: { type: 'vertxnet', delay: 2_000 } });
    expect(jobOptions('run')).toEqual({ attempts: 12, backoff: { type: 'vertxnet', delay: 5_000 } });
  });
});
