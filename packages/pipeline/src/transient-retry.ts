import { setTimeout as sleep } from 'node:timers/promises';
import { TransientError } from '@vertxnet/core';

export interface TransientRetryOptions {
  /** Tries in all. @defaultValue 4 */
  tries?: number;
  /** Wait before the second try; doubled before each further one. @defaultValue 1000 */
  firstDelayMs?: number;
  /** When aborted, no further try is made: the last error is thrown. */
  signal?: AbortSignal;
  /** Told before each wait, e.g. to log it. */
  onRetry?: (err: TransientError, attempt: number, delayMs: number) => void;
}

/**
 * Runs `fn` again, with doubling waits, while it fails with a TransientError (storage unavailable,
 * a slow-down, a network fault): the in-process counterpart of the queues' retries. Any other
 * error, and the last transient one, is thrown as it is, never turned into a value.
 */
export async function retryTransient<T>(fn: () => Promise<T>, opts: TransientRetryOptions = {}): Promise<T> {
  const tries = Math.max(1, opts.tries ?? 4);
  const first = opts.firstDelayMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof TransientError) || attempt >= tries || opts.signal?.aborted) throw err;
      const delayMs = first * 2 ** (attempt - 1);
      opts.onRetry?.(err, attempt, delayMs);
      await sleep(delayMs, undefined, opts.signal ? { signal: opts.signal } : {}).catch(() => {
        throw err; // aborted while waiting: the fault stands
      });
    }
  }
}
