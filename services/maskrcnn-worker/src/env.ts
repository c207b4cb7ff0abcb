import { z } from 'zod';
import { concurrencyEnv, jobLockEnv, storageProbeEnv, modelRunnerEnv, s3Env, serviceEnv } from '@vertxnet/queue';

/** The Mask R-CNN worker's environment, read once at start. */
export const MaskrcnnWorkerEnv = z.object({
  ...serviceEnv,
  ...s3Env,
  ...jobLockEnv,
  ...storageProbeEnv,
  ...modelRunnerEnv(1),
  CONCURRENCY: concurrencyEnv(1, 'Mask R-CNN jobs'),
  WORK_URI: z.string().min(1).default('./work').describe('Work store shared by all stages (canonical images, model outputs): s3://bucket/prefix or a folder.'),
  MODEL_DIR: z.string().min(1).default('models/maskrcnn').describe('Folder of the Mask R-CNN: model.onnx and manifest.json.'),
});
export type MaskrcnnWorkerConfig = z.output<typeof MaskrcnnWorkerEnv>;
