import { z } from 'zod';
import { concurrencyEnv, envInt, jobLockEnv, storageProbeEnv, modelRefEnv, s3Env, serviceEnv } from '@vertxnet/shared';

/** The ingest service's environment, read once at start. */
export const IngestEnv = z
  .object({
    ...serviceEnv,
    ...s3Env,
    ...jobLockEnv,
    ...storageProbeEnv,
    ...modelRefEnv,
    WORK_URI: z.string().min(1).default('./work').describe('Work store shared by all stages: where prepare writes canonical images.'),
    PREPARE_CONCURRENCY: concurrencyEnv(2, 'Prepare jobs (decode + canonical image)'),
    RUN_CONCURRENCY: concurrencyEnv(4, 'Runs listed and paced'),
    MAX_PENDING: envInt(1, 1_000_000)
      .default(1_000)
      .describe('Images of one run in flight at most (queued, not yet done or failed); bounds Redis memory per run.'),
    LIST_BATCH: envInt(1, 10_000).default(200).describe('Listed images queued per Redis round trip.'),
    RECONCILE_AFTER_MS: envInt(1_000, 3_600_000)
      .default(30_000)
      .describe('A full backlog with no image finishing for this long is re-checked against the queues (lost counts).'),
  })
  .refine((env) => env.LIST_BATCH <= env.MAX_PENDING, {
    message: 'LIST_BATCH must not exceed MAX_PENDING: a batch larger than the backlog could never be queued at once',
    path: ['LIST_BATCH'],
  });
export type IngestConfig = z.output<typeof IngestEnv>;
