import { unetHandler, openWorkerModel } from '@vertxnet/pipeline';
import type { Logger } from '@vertxnet/config';
import { openStorage } from '@vertxnet/storage';
import { s3OptionsFromEnv, type StageHandlersFor } from '@vertxnet/queue';
import type { Registry } from 'prom-client';
import type { UnetWorkerConfig } from './env.js';

/** Loads the U-Net (hash-checked against its manifest) and builds the unet stage handler over it. */
export async function createStageHandlers(config: UnetWorkerConfig, registry: Registry, logger: Logger): Promise<StageHandlersFor<'unet'>> {
  const s3 = s3OptionsFromEnv(config);
  const { runner } = await openWorkerModel('unet', config, registry, logger);
  return { unet: unetHandler({ work: openStorage(config.WORK_URI, s3), unet: runner }) };
}
