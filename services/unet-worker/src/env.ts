import { z } from 'zod';
import { concurrencyEnv, jobLockEnv, storageProbeEnv, modelRunnerEnv, s3Env, serviceEnv } from '@vertxnet/queue';

/** The U-Net worker's environment, read once at start. */
export const UnetWorkerEnv = z.object({
  ...serviceEnv,
  ...s3Env,
  ...jobLockEnv,
  ...storageProbeEnv,
  ...modelRunnerEnv(4),
  CONCURRENCY: concurrencyEnv(2, 'U-Net jobs'),
  WORK_URI: z.string().min(1).default('./work').describe('Work store shared by all stages (canonical images, model outputs): s3://bucket/prefix or a folder.'),
  MODEL_DIR: z.string().min(1).default('models/unet').describe('Folder of the U-Net: model.onnx and manifest.json.'),
});
export type UnetWorkerConfig = z.output<typeof UnetWorkerEnv>;
