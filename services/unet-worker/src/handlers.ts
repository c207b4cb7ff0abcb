// TEMPORARY ADAPTER — replaced by the lead with `createStageHandlers` from @vertxnet/pipeline.
// Until then the service compiles against the StageHandlers interface and refuses to start.
import { ConfigError, type StageHandlersFor } from '@vertxnet/shared';
import type { UnetWorkerConfig } from './env.js';

/** Builds (and loads the model of) the U-Net stage handler. */
export async function createStageHandlers(_config: UnetWorkerConfig): Promise<StageHandlersFor<'unet'>> {
  throw new ConfigError('the U-Net stage handler is not wired yet (services/unet-worker/src/handlers.ts)');
}
