import { Counter, Histogram, type Registry } from 'prom-client';
import { InputError } from '@vertxnet/core';

export type StageOutcome = 'succeeded' | 'failed_input' | 'failed_transient' | 'skipped';

/** Bad input fails for good; everything else may pass on a retry. */
export function outcomeForError(err: unknown): StageOutcome {
  return err instanceof InputError ? 'failed_input' : 'failed_transient';
}

/** Per-stage throughput and latency: images by outcome, and how long each took. */
export class StageMetrics {
  readonly images: Counter<'stage' | 'outcome'>;
  readonly duration: Histogram<'stage'>;
  readonly failedAttempts: Counter<'stage' | 'error_class' | 'final'>;

  constructor(registry: Registry) {
    this.images = new Counter({
      name: 'vertxnet_images_total',
      help: 'Images a pipeline stage finished, by stage and outcome (succeeded, failed_input, failed_transient, skipped).',
      labelNames: ['stage', 'outcome'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'vertxnet_stage_duration_seconds',
      help: 'Wall time a pipeline stage spent on one image, from job start to result written.',
      labelNames: ['stage'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    });
    this.failedAttempts = new Counter({
      name: 'vertxnet_failed_attempts_total',
      help: 'Failed attempts of a stage\'s jobs, by why (input, storage, transient, error) and whether it was the last try (final="true").',
      labelNames: ['stage', 'error_class', 'final'],
      registers: [registry],
    });
  }

  record(stage: string, outcome: StageOutcome, seconds?: number): void {
    this.images.inc({ stage, outcome });
    if (seconds !== undefined) this.duration.observe({ stage }, seconds);
  }

  /** Starts timing one image; call the returned function once with its outcome. */
  start(stage: string): (outcome: StageOutcome) => number {
    const startedAt = process.hrtime.bigint();
    return (outcome) => {
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      this.record(stage, outcome, seconds);
      return seconds;
    };
  }
}
