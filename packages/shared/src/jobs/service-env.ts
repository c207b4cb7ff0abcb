import { envInt } from '../config/env-types.js';
import { ModelRefSchema } from './contract.js';

/** Lock and stalled-job settings of a worker service. Spread into the service's env schema. */
export const jobLockEnv = {
  JOB_LOCK_MS: envInt(1_000, 600_000)
    .default(30_000)
    .describe('How long a job lock lasts unless renewed; jobs of a killed worker return to their queue about this long after.'),
  STALLED_CHECK_MS: envInt(500, 600_000)
    .default(30_000)
    .describe('How often each worker looks for stalled jobs (locks expired) of its queue and hands them back.'),
};

/** The models new runs use unless the submitter names others; they must match what the model workers load. */
export const DEFAULT_MODELS = { unet: 'vertxnet-unet@0.1.0', maskrcnn: 'vertxnet-maskrcnn@0.1.0' } as const;

export const modelRefEnv = {
  UNET_MODEL: ModelRefSchema.default(DEFAULT_MODELS.unet).describe('U-Net of new runs, "name@version" (as in its manifest).'),
  MASKRCNN_MODEL: ModelRefSchema.default(DEFAULT_MODELS.maskrcnn).describe('Mask R-CNN of new runs, "name@version".'),
};

export const concurrencyEnv = (defaultValue: number, what: string) =>
  envInt(1, 256).default(defaultValue).describe(`${what} processed at once by this process.`);

