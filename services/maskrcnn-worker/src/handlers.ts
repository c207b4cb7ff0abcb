// TEMPORARY ADAPTER — replaced by the lead with `createStageHandlers` from @vertxnet/pipeline.
// Until then the service compiles against the StageHandlers interface and refuses to start.
import { ConfigError, type StageHandlersFor } from '@vertxnet/shared';
import type { MaskrcnnWorkerConfig } from './env.js';

/** Builds (and loads the model of) the Mask R-CNN stage handler. */
export async function createStageHandlers(_config: MaskrcnnWorkerConfig): Promise<StageHandlersFor<'maskrcnn'>> {
  throw new ConfigError('the Mask R-CNN stage handler is not wired yet (services/maskrcnn-worker/src/handlers.ts)');
}
