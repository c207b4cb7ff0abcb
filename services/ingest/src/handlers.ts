import { prepareHandler } from '@vertxnet/pipeline';
import { openStorage } from '@vertxnet/storage';
import { s3OptionsFromEnv, type StageHandlersFor } from '@vertxnet/queue';
import type { IngestConfig } from './env.js';

/** Builds the prepare handler: decode a source image and write its canonical PNG to the work store. */
export async function createStageHandlers(config: IngestConfig): Promise<StageHandlersFor<'prepare'>> {
  const s3 = s3OptionsFromEnv(config);
  return { prepare: prepareHandler({ work: openStorage(config.WORK_URI, s3), s3, maxPixels: config.MAX_IMAGE_PIXELS }) };
}
