import { describe, expect, it } from 'vitest';
import { InputError, StorageUnavailableError, TransientError } from '@vertxnet/core';
import { retryTransient } from './transient-retry.js';

/** A function that fails with the given errors in turn, then answers 'ok'. */
function failing(...errors: Error[]): { fn: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    fn: async () => {
      const err = errors[calls++];
      if (err) throw err;
      return 'ok';
    },
    calls: () => calls,
  };
}

describe('retryTransient (storage errors in a local run)', () => {
  it('tries again while storage is unavailable, with doubling waits', async () => {
    const f = failing(new StorageUnavailableError('S3 unavailable'), new TransientError('SlowDown'));
    const waits: number[] = [];
    await expect(retryTransient(f.fn, { firstDelayMs: 1, onRetry: (_e, _a, ms) => waits.push(ms) })).resolves.toBe('ok');
    expect(f.calls()).toBe(3);
    expect(waits).toEqual([1, 2]);
  });

  it('throws the last storage error when it outlasts the tries, never a value in its place', async () => {
    const outage = new StorageUnavailableError('S3 unavailable');
    const f = failing(outage, outage, outage);
    await expect(retryTransient(f.fn, { tries: 3, firstDelayMs: 1 })).rejects.toBe(outage);
    expect(f.calls()).toBe(3);
  });

  it('does not retry bad input or an unexpected error', async () => {
    const bad = failing(new InputError('a.png: PNG is truncated or corrupt'));
    await expect(retryTransient(bad.fn, { firstDelayMs: 1 })).rejects.toBeInstanceOf(InputError);
    expect(bad.calls()).toBe(1);
    const bug = failing(new TypeError('x is undefined'));
    await expect(retryTransient(bug.fn, { firstDelayMs: 1 })).rejects.toBeInstanceOf(TypeError);
    expect(bug.calls()).toBe(1);
  });

  it('stops waiting when aborted and throws the fault', async () => {
    const stop = new AbortController();
    const outage = new StorageUnavailableError('S3 unavailable');
    const f = failing(outage, outage);
    const tried = retryTransient(f.fn, { firstDelayMs: 60_000, signal: stop.signal, onRetry: () => stop.abort() });
    await expect(tried).rejects.toBe(outage);
    expect(f.calls()).toBe(1);
  });
});
