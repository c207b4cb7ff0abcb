import { startService, stageProcessor, type Logger, type RunningService, type ServiceContext, type StageHandlersFor } from '@vertxnet/shared';
import type { UnetWorkerConfig } from './env.js';

/** The U-Net worker: one queue, one handler. `handlers` resolves once the model is loaded. */
export function startUnetWorker(config: UnetWorkerConfig, logger: Logger, handlers: (ctx: ServiceContext) => Promise<StageHandlersFor<'unet'>>): Promise<RunningService> {
  return startService(
    {
      service: 'unet-worker',
      redisUrl: config.REDIS_URL,
      prefix: config.QUEUE_PREFIX,
      httpPort: config.HTTP_PORT,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      logger,
      queues: ['unet'],
    },
    async (ctx) => {
      ctx.worker('unet', stageProcessor('unet', await handlers(ctx), undefined), config.CONCURRENCY, {
        lockDurationMs: config.JOB_LOCK_MS,
        stalledIntervalMs: config.STALLED_CHECK_MS,
      });
      return {};
    },
  );
}
