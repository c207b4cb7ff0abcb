import { maskrcnnHandler, openWorkerModel } from '@vertxnet/pipeline';
import type { Logger } from '@vertxnet/config';
import { openStorage } from '@vertxnet/storage';
import { s3OptionsFromEnv, type StageHandlersFor } from '@vertxnet/queue';
import type { Registry } from 'prom-client';
import type { MaskrcnnWorkerConfig } from './env.js';

/** Loads the Mask R-CNN (hash-checked against its manifest) and builds the maskrcnn stage handler over it. */
export async function createStageHandlers(config: MaskrcnnWorkerConfig, registry: Registry, logger: Logger): Promise<StageHandlersFor<'maskrcnn'>> {
  const s3 = s3OptionsFromEnv(config);
  const { runner } = await openWorkerModel('maskrcnn', config, registry, logger);
  return { maskrcnn: maskrcnnHandler({ work: openStorage(config.WORK_URI, s3), maskrcnn: runner }) };
}
