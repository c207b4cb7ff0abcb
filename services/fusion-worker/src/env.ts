import { z } from 'zod';
import { concurrencyEnv, jobLockEnv, storageProbeEnv, s3Env, serviceEnv } from '@vertxnet/queue';

/** The fusion worker's environment, read once at start. Output stores come from each run's out URI. */
export const FusionWorkerEnv = z.object({
  ...serviceEnv,
  ...s3Env,
  ...jobLockEnv,
  ...storageProbeEnv,
  CONCURRENCY: concurrencyEnv(2, 'Fusion jobs'),
  WORK_URI: z.string().min(1).default('./work').describe('Work store shared by all stages (canonical images, model outputs): s3://bucket/prefix or a folder.'),
});
export type FusionWorkerConfig = z.output<typeof FusionWorkerEnv>;
