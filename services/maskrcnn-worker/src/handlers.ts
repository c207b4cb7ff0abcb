import { createStageHandlers as pipelineHandlers, openModelRunner } from '@vertxnet/pipeline';
import { openStorage, s3OptionsFromEnv, type Logger, type StageHandlersFor } from '@vertxnet/shared';
import type { Registry } from 'prom-client';
import type { MaskrcnnWorkerConfig } from './env.js';

/** Loads the Mask R-CNN (hash-checked against its manifest) and builds the maskrcnn stage handler over it. */
export async function createStageHandlers(
  config: MaskrcnnWorkerConfig,
  registry: Registry,
  logger: Logger,
): Promise<StageHandlersFor<'maskrcnn'>> {
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
  const { maskrcnn } = pipelineHandlers({ work: openStorage(config.WORK_URI, s3), s3, maskrcnn: runner });
  return { maskrcnn };
}
