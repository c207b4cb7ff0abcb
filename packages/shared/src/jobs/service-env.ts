import { z } from 'zod';
import { envInt } from '../config/env-types.js';
import { ModelRefSchema } from './contract.js';

/** Lock and stalled-job settings of a worker service. Spread into the service's env schema. */
export const jobLockEnv = {
  JOB_LOCK_MS: envInt(1_000, 600_000)
    .default(15_000)
    .describe('How long a job lock lasts unless renewed (every half of it); a killed worker\'s jobs return to their queue once it expires and the next stalled check runs (about 20 s with the defaults, bench/recovery.ts).'),
  STALLED_CHECK_MS: envInt(500, 600_000)
    .default(5_000)
    .describe('How often each worker looks for stalled jobs (locks expired) of its queue and hands them back.'),
};

/** The models new runs use unless the submitter names others; they must match what the model workers load. */
export const DEFAULT_MODELS = { unet: 'vertxnet-unet@0.3.0', maskrcnn: 'vertxnet-maskrcnn@0.2.0' } as const;

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
    .transform((v) => v.split(',').map((p) => p.trim()).filter((p) => p.length > 0))
    .describe('Execution providers in order of preference, e.g. "cuda,cpu" or "tensorrt,cuda,cpu"; missing ones fall back to cpu with a log line.'),
  MAX_BATCH: envInt(1, 256)
    .default(defaultMaxBatch)
    .describe('Most images per inference call; concurrent jobs are batched together (models without a batch axis run one by one).'),
  MAX_BATCH_WAIT_MS: envInt(0, 10_000)
    .default(5)
    .describe('Longest an image waits for others to fill its batch.'),
  INTRA_OP_THREADS: envInt(0, 256)
    .default(0)
    .describe('onnxruntime threads per operator; 0 = its default (one per core).'),
});
