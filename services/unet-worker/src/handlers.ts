import { createStageHandlers as pipelineHandlers, openWorkerModel } from '@vertxnet/pipeline';
import { openStorage, s3OptionsFromEnv, type Logger, type StageHandlersFor } from '@vertxnet/shared';
import type { Registry } from 'prom-client';
import type { UnetWorkerConfig } from './env.js';

/** Loads the U-Net (hash-checked against its manifest) and builds the unet stage handler over it. */
export async function createStageHandlers(config: UnetWorkerConfig, registry: Registry, logger: Logger): Promise<StageHandlersFor<'unet'>> {
  const s3 = s3OptionsFromEnv(config);
  const { runner } = await openWorkerModel(config, registry, logger);
  const { unet } = pipelineHandlers({ work: openStorage(config.WORK_URI, s3), s3, unet: runner });
  return { unet };
}
