import type { Logger } from '@vertxnet/config';
import { QcMetrics, probedWorkStore, startService, stageProcessor, type RunningService, type StageHandlersFor } from '@vertxnet/queue';
import type { FusionWorkerConfig } from './env.js';

/** The fusion worker: runs each image's parent job once its model children are through, and counts the image done. */
export function startFusionWorker(config: FusionWorkerConfig, logger: Logger, handlers: () => Promise<StageHandlersFor<'fusion'>>): Promise<RunningService> {
  return startService(
    {
      service: 'fusion-worker',
      redisUrl: config.REDIS_URL,
      prefix: config.QUEUE_PREFIX,
      eventsMaxLen: config.QUEUE_EVENTS_MAX_LEN,
      httpHost: config.HTTP_HOST,
      httpPort: config.HTTP_PORT,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      logger,
      storage: probedWorkStore(config),
      queues: ['fusion'],
    },
    async (ctx) => {
      const processor = stageProcessor('fusion', await handlers(), { runs: ctx.runs, done: ctx.done, queues: ctx.queues });
      const qc = new QcMetrics(ctx.registry);
      ctx.worker('fusion', processor, config.CONCURRENCY, {
        lockDurationMs: config.JOB_LOCK_MS,
        stalledIntervalMs: config.STALLED_CHECK_MS,
        onCompleted: (result) => qc.count(flagsOf(result), polarityOf(result)),
      });
      return {};
    },
  );
}

/** Where a model read the film inverted, as the fusion result's summary says. */
function polarityOf(result: unknown): string | undefined {
  const polarity = (result as { summary?: { polarity?: unknown } } | undefined)?.summary?.polarity;
  return typeof polarity === 'string' ? polarity : undefined;
}

/** The QC flags in a fusion result's summary, if it has any. */
function flagsOf(result: unknown): string[] {
  const flags = (result as { summary?: { flags?: unknown } } | undefined)?.summary?.flags;
  return Array.isArray(flags) ? flags.filter((f): f is string => typeof f === 'string') : [];
}
