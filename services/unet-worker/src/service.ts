import type { Logger } from '@vertxnet/config';
import { startModelWorker, type RunningService, type ServiceContext, type StageHandlersFor } from '@vertxnet/queue';
import type { UnetWorkerConfig } from './env.js';

/** The U-Net worker: its queue bound to its handler (see startModelWorker). */
export function startUnetWorker(
  config: UnetWorkerConfig,
  logger: Logger,
  handlers: (ctx: ServiceContext) => Promise<StageHandlersFor<'unet'>>,
): Promise<RunningService> {
  return startModelWorker('unet', config, logger, handlers);
}
