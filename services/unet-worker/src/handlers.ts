import { createStageHandlers as pipelineHandlers, openModelRunner } from '@vertxnet/pipeline';
import { openStorage, s3OptionsFromEnv, type Logger, type StageHandlersFor } from '@vertxnet/shared';
import type { Registry } from 'prom-client';
import type { UnetWorkerConfig } from './env.js';

/** Loads the U-Net (hash-checked against its manifest) and builds the unet stage handler over it. */
export async function createStageHandlers(
  config: UnetWorkerConfig,
  registry: Registry,
  logger: Logger,
): Promise<StageHandlersFor<'unet'>> {
  const s3 = s3OptionsFromEnv(config);
  const { runner } = await openModelRunner({
    dir: config.MODEL_DIR,
    providers: config.INFERENCE_PROVIDERS,
    maxBatch: config.MAX_BATCH,
    maxWaitMs: config.MAX_BATCH_WAIT_MS,
    ...(config.INTRA_OP_THREADS > 0 ? { intraOpThreads: config.INTRA_OP_THREADS } : {}),
    registry,
    logger,
  });
  const { unet } = pipelineHandlers({ work: openStorage(config.WORK_URI, s3), s3, unet: runner });
  return { unet };
}
