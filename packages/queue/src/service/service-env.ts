import { z } from 'zod';
import { envInt } from '@vertxnet/config';
import { ModelRefSchema } from '../jobs/contract.js';
import { s3OptionsFromEnv } from './common-env.js';
import { openStorage, type Storage } from '@vertxnet/storage';

/** Lock and stalled-job settings of a worker service. Spread into the service's env schema. */
export const jobLockEnv = {
  // 15 s / 5 s: a killed worker's job runs again about 10–25 s later (measured in test/e2e/faults.test.ts;
  // 30 s / 30 s took 44–90 s). Locks are renewed every half lock, so only an event loop blocked for
  // over 7 s loses one; shorter locks did lose them on a loaded 2-core host (see distributed.test.ts).
  JOB_LOCK_MS: envInt(1_000, 600_000)
    .default(15_000)
    .describe(
      "How long a job lock lasts unless renewed (every half of it); a killed worker's jobs return to their queue once it expires and a stalled check runs: about 20 s with the defaults (bench/recovery.ts, test/e2e/faults.test.ts).",
    ),
  STALLED_CHECK_MS: envInt(500, 600_000)
    .default(5_000)
    .describe('How often each worker looks for stalled jobs (locks expired) of its queue and hands them back.'),
};

/** How a service watches the work store, so that it pauses (rather than failing jobs) while storage is down. */
export const storageProbeEnv = {
  STORAGE_PROBE_MS: envInt(250, 600_000)
    .default(5_000)
    .describe('How often the work store is probed (and twice as often while down); while it does not answer, workers take no new jobs and /readyz reports it.'),
};

/** The work store of a service and how often to probe it, as startService takes them. */
export function probedWorkStore(config: {
  WORK_URI: string;
  STORAGE_PROBE_MS: number;
  S3_ENDPOINT?: string | undefined;
  S3_REGION: string;
  S3_FORCE_PATH_STYLE?: boolean | undefined;
}): { store: Storage; probeMs: number } {
  return { store: openStorage(config.WORK_URI, s3OptionsFromEnv(config)), probeMs: config.STORAGE_PROBE_MS };
}

/** The models new runs use unless the submitter names others; they must match what the model workers load. */
export const DEFAULT_MODELS = { unet: 'vertxnet-unet@0.8.0', maskrcnn: 'vertxnet-maskrcnn@0.2.0' } as const;

export const modelRefEnv = {
  UNET_MODEL: ModelRefSchema.default(DEFAULT_MODELS.unet).describe('U-Net of new runs, "name@version" (as in its manifest).'),
  MASKRCNN_MODEL: ModelRefSchema.default(DEFAULT_MODELS.maskrcnn).describe('Mask R-CNN of new runs, "name@version".'),
};

export const concurrencyEnv = (defaultValue: number, what: string) =>
  envInt(1, 256).default(defaultValue).describe(`${what} processed at once by this process.`);

/** How a model worker runs its model: execution providers and micro-batching across concurrent jobs. */
export const modelRunnerEnv = (defaultMaxBatch: number) => ({
  INFERENCE_PROVIDERS: z
    .string()
    .default('cpu')
    .transform((v) =>
      v
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p.length > 0),
    )
    .describe('Execution providers in order of preference, e.g. "cuda,cpu" or "tensorrt,cuda,cpu"; missing ones fall back to cpu with a log line.'),
  MAX_BATCH: envInt(1, 256)
    .default(defaultMaxBatch)
    .describe('Most images per inference call; concurrent jobs are batched together (models without a batch axis run one by one).'),
  MAX_BATCH_WAIT_MS: envInt(0, 10_000).default(5).describe('Longest an image waits for others to fill its batch.'),
  INTRA_OP_THREADS: envInt(0, 256).default(0).describe('onnxruntime threads per operator; 0 = its default (one per core).'),
});
