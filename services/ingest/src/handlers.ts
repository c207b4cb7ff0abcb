// TEMPORARY ADAPTER — replaced by the lead with `createStageHandlers` from @vertxnet/pipeline.
// Until then the service compiles against the StageHandlers interface and refuses to start.
import { ConfigError, type StageHandlersFor } from '@vertxnet/shared';
import type { IngestConfig } from './env.js';

/** Builds the prepare handler (decode, canonical image into the work store). */
export async function createStageHandlers(_config: IngestConfig): Promise<StageHandlersFor<'prepare'>> {
  throw new ConfigError('the prepare stage handler is not wired yet (services/ingest/src/handlers.ts)');
}
