import { UnrecoverableError } from 'bullmq';
import { StorageUnavailableError, TransientError } from '@vertxnet/core';
import { JOB_CATALOG, OUTAGE_ATTEMPTS, type JobName } from './contract.js';

/**
 * How long a job keeps trying, by what failed. A storage outage (the S3 server restarting, a
 * network blip) is nobody's fault and usually passes within minutes: it gets STORAGE_RETRY's tries,
 * doubling from the job's first delay up to maxDelayMs. Any other fault gets the catalog's
 * `attempts` (bad input none: it is unrecoverable). BullMQ stores the larger count with the job;
 * the backoff strategy below ends the job early (-1) when the fault is not a storage outage.
 */
export const STORAGE_RETRY = {
  /** Tries in all while storage is unavailable: with a 2 s first delay, about 7 minutes of outage. */
  attempts: OUTAGE_ATTEMPTS,
  /** Longest wait between two tries. */
  maxDelayMs: 60_000,
} as const;

/** The BullMQ backoff type of every job of the catalog, resolved by `retryDelay` in each worker. */
export const BACKOFF_TYPE = 'vertxnet';

/**
 * Why an attempt failed: bad input, storage unavailable, another transient fault, both models of
 * an image failed for good ('models': not the image's fault, and fusion cannot redo them), or an
 * unexpected error.
 */
export type FailureClass = 'input' | 'storage' | 'transient' | 'models' | 'error';

/**
 * Fusion found neither model's output: retrying fusion cannot bring them back, so it fails at once,
 * but the image itself was never shown to be bad (a re-submission runs it again).
 */
export class ModelsFailedError extends UnrecoverableError {
  constructor(message: string) {
    super(message);
    this.name = 'UnrecoverableError'; // what BullMQ checks besides instanceof
    this.stack = `ModelsFailedError: ${message}`;
  }
}

export function failureClassOf(err: unknown): FailureClass {
  if (err instanceof ModelsFailedError) return 'models';
  if (err instanceof UnrecoverableError) return 'input';
  if (err instanceof StorageUnavailableError) return 'storage';
  if (err instanceof TransientError) return 'transient';
  return 'error';
}

/**
 * Milliseconds before the next try of a job whose attempt number `attemptsMade` (1 = the first)
 * just failed with `err`, or -1 to fail it now.
 */
export function retryDelay(name: JobName, attemptsMade: number, err: unknown): number {
  const spec = JOB_CATALOG[name];
  const doubled = spec.backoffMs * 2 ** Math.max(0, attemptsMade - 1);
  if (failureClassOf(err) === 'storage') return attemptsMade >= STORAGE_RETRY.attempts ? -1 : Math.min(doubled, STORAGE_RETRY.maxDelayMs);
  return attemptsMade >= spec.attempts ? -1 : doubled;
}

/** Total wait a job rides out while storage stays down (the sum of its storage retry delays). */
export function storageOutageBudgetMs(name: JobName): number {
  let total = 0;
  for (let attempt = 1; attempt < STORAGE_RETRY.attempts; attempt++) total += retryDelay(name, attempt, new StorageUnavailableError('probe'));
  return total;
}
