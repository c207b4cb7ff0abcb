// TEMPORARY ADAPTER — replaced by the lead with `createStageHandlers` from @vertxnet/pipeline.
// Until then the service compiles against the StageHandlers interface and refuses to start.
import { ConfigError, type StageHandlersFor } from '@vertxnet/shared';
import type { FusionWorkerConfig } from './env.js';

/** Builds the fusion stage handler (ensemble rule, labelling, result writers). */
export async function createStageHandlers(_config: FusionWorkerConfig): Promise<StageHandlersFor<'fusion'>> {
  throw new ConfigError('the fusion stage handler is not wired yet (services/fusion-worker/src/handlers.ts)');
}
