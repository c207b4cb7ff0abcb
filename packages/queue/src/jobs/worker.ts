import { Worker, type Job, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import { FAILED_KEPT, JOB_CATALOG, type JobName } from './contract.js';
import { countFinalFailure, isFinalFailure } from './accounting.js';
import { failureClassOf, retryDelay, type FailureClass } from './retry-policy.js';
import type { StageOutcome } from '../metrics/stage-metrics.js';
import type { RunStore } from './run-store.js';

export interface JobWorkerOptions {
  /** Shared command connection (maxRetriesPerRequest: null); BullMQ opens its own blocking one beside it. */
  connection: Redis;
  prefix: string;
  /** Jobs processed at once by this process. */
  concurrency: number;
  /**
   * How long a job's lock lasts without renewal; a worker that dies leaves its jobs to the
   * stalled-job check after this. @defaultValue 15000
   */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (of any worker). @defaultValue 5000 */
  stalledIntervalMs?: number;
  /** Where images are counted out of their run's backlog when their last attempt fails. */
  runs?: RunStore;
  /** Each finished attempt: for metrics. */
  onAttempt?: (outcome: StageOutcome, seconds: number) => void;
  /** Each completed job's return value (e.g. fusion's summary, for QC flag metrics). */
  onCompleted?: (result: unknown) => void;
  /** Each failed attempt, with why it failed and whether it was the job's last; for logs and the storage probe. */
  onFailure?: (failure: AttemptFailure) => void;
  /** Errors outside any job (connection, accounting); for logs. */
  onError?: (err: Error) => void;
}

/** One failed attempt, as logged: no payload (it names the source). */
export interface AttemptFailure {
  queue: string;
  jobId: string;
  /** Tries made so far, this one included. */
  attempt: number;
  errorClass: FailureClass;
  /** No try is left: the job failed for good. */
  final: boolean;
  reason: string;
}

/**
 * A BullMQ worker for one job of the catalog, with the pipeline's bookkeeping on its events
 * (never inside the processor) and a bounded graceful close.
 */
export class JobWorker {
  readonly worker: Worker;
  private readonly hooks = new Set<Promise<unknown>>();

  constructor(
    readonly name: JobName,
    processor: Processor,
    private readonly opts: JobWorkerOptions,
  ) {
    this.worker = new Worker(JOB_CATALOG[name].queue, processor, {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: opts.concurrency,
      lockDuration: opts.lockDurationMs ?? 15_000,
      stalledInterval: opts.stalledIntervalMs ?? 5_000,
      // A job comes back after its worker dies (kill -9, a lost node) or misses a lock renewal on
      // a loaded host. BullMQ's default fails it on the second such stall; a replacement worker
      // dying or stalling once more is not the job's fault, so allow two before failing it.
      maxStalledCount: 2,
      // Finished jobs: completed ones go at once (done-records and run counters replace them); the
      // last FAILED_KEPT failed ones stay, with their reasons, for status and run.json. Worker
      // options rather than job options, so they are not stored in every job.
      removeOnComplete: { count: 0 },
      removeOnFail: { count: FAILED_KEPT },
      settings: { backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) => retryDelay(name, attemptsMade, err) },
      autorun: false,
    });
    this.worker.on('completed', (job, result: unknown) => {
      const skipped = typeof result === 'object' && result !== null && (result as { skipped?: unknown }).skipped === true;
      opts.onAttempt?.(skipped ? 'skipped' : 'succeeded', secondsOf(job));
      opts.onCompleted?.(result);
    });
    this.worker.on('failed', (job, err) => {
      if (job === undefined) return;
      // Bad input or payload (see toJobFailure) is the image's fault; anything else is not.
      const errorClass = failureClassOf(err);
      opts.onAttempt?.(errorClass === 'input' ? 'failed_input' : 'failed_transient', secondsOf(job));
      const final = isFinalFailure(job);
      opts.onFailure?.({ queue: JOB_CATALOG[name].queue, jobId: String(job.id), attempt: job.attemptsMade, errorClass, final, reason: err.message });
      if (final && opts.runs) this.track(countFinalFailure(name, job, opts.runs));
    });
    this.worker.on('error', (err) => opts.onError?.(err));
  }

  /** Starts fetching jobs. */
  start(): void {
    void this.worker.run().catch((err: unknown) => this.opts.onError?.(err instanceof Error ? err : new Error(String(err))));
  }

  /** Stops taking new jobs (the active ones go on), e.g. while storage is unavailable. */
  pause(): void {
    if (!this.worker.closing && !this.worker.isPaused()) void this.worker.pause(true);
  }

  /** Takes jobs again after pause(). */
  resume(): void {
    if (!this.worker.closing && this.worker.isPaused()) void this.worker.resume();
  }

  isRunning(): boolean {
    return this.worker.isRunning() && !this.worker.closing;
  }

  /**
   * Stops fetching and waits up to `timeoutMs` for the active jobs. 'timed-out' leaves them
   * locked: once their locks expire, the stalled-job check of any live worker puts them back
   * in the queue (a job is failed only after stalling more than maxStalledCount times).
   */
  async close(timeoutMs: number): Promise<'closed' | 'timed-out'> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'timed-out'>((resolve) => {
      timer = setTimeout(() => resolve('timed-out'), timeoutMs);
    });
    const outcome = await Promise.race([this.worker.close().then(() => 'closed' as const), expired]);
    clearTimeout(timer);
    await Promise.allSettled([...this.hooks]);
    return outcome;
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch((err: unknown) => this.opts.onError?.(err instanceof Error ? err : new Error(String(err))));
    this.hooks.add(tracked);
    void tracked.finally(() => this.hooks.delete(tracked));
  }
}

function secondsOf(job: Job): number {
  const start = job.processedOn ?? Date.now();
  return Math.max(0, ((job.finishedOn ?? Date.now()) - start) / 1000);
}
