import { startService, stageProcessor, type Logger, type RunningService, type ServiceContext, type StageHandlersFor } from '@vertxnet/shared';
import type { MaskrcnnWorkerConfig } from './env.js';

/** The Mask R-CNN worker: one queue, one handler. `handlers` resolves once the model is loaded. */
export function startMaskrcnnWorker(config: MaskrcnnWorkerConfig, logger: Logger, handlers: (ctx: ServiceContext) => Promise<StageHandlersFor<'maskrcnn'>>): Promise<RunningService> {
  return startService(
    {
      service: 'maskrcnn-worker',
      redisUrl: config.REDIS_URL,
      prefix: config.QUEUE_PREFIX,
      httpPort: config.HTTP_PORT,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      logger,
      queues: ['maskrcnn'],
    },
    async (ctx) => {
      ctx.worker('maskrcnn', stageProcessor('maskrcnn', await handlers(ctx), undefined), config.CONCURRENCY, {
        lockDurationMs: config.JOB_LOCK_MS,
        stalledIntervalMs: config.STALLED_CHECK_MS,
      });
      return {};
    },
  );
}
