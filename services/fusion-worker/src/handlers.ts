import { fuseHandler, outputStores } from '@vertxnet/pipeline';
import { openStorage } from '@vertxnet/storage';
import { s3OptionsFromEnv, type StageHandlersFor } from '@vertxnet/queue';
import type { FusionWorkerConfig } from './env.js';

/** Builds the fusion stage handler (ensemble rule, labelling, result writers) over the work store. */
export async function createStageHandlers(config: FusionWorkerConfig): Promise<StageHandlersFor<'fusion'>> {
  const s3 = s3OptionsFromEnv(config);
  return { fuse: fuseHandler({ work: openStorage(config.WORK_URI, s3), outputs: outputStores(s3) }) };
}
