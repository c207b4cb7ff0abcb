import type { Logger } from '@vertxnet/config';
import { startModelWorker, type RunningService, type ServiceContext, type StageHandlersFor } from '@vertxnet/queue';
import type { MaskrcnnWorkerConfig } from './env.js';

/** The Mask R-CNN worker: its queue bound to its handler (see startModelWorker). */
export function startMaskrcnnWorker(
  config: MaskrcnnWorkerConfig,
  logger: Logger,
  handlers: (ctx: ServiceContext) => Promise<StageHandlersFor<'maskrcnn'>>,
): Promise<RunningService> {
  return startModelWorker('maskrcnn', config, logger, handlers);
}
