import {
  ImageFlows,
  RunEvents,
  connectRedis,
  runProcessor,
  startService,
  stageProcessor,
  type Logger,
  type RunningService,
  type SourceLister,
  type StageHandlersFor,
} from '@vertxnet/shared';
import { runsApi } from './api.js';
import type { IngestConfig } from './env.js';

/**
 * The ingest service: the runs API, the paced producers (one `run` job per run, RUN_CONCURRENCY
 * at a time) and the prepare worker, which decodes each image and adds its flow.
 */
export function startIngest(
  config: IngestConfig,
  logger: Logger,
  handlers: () => Promise<StageHandlersFor<'prepare'>>,
  listSource: SourceLister,
): Promise<RunningService> {
  return startService(
    {
      service: 'ingest',
      redisUrl: config.REDIS_URL,
      prefix: config.QUEUE_PREFIX,
      httpPort: config.HTTP_PORT,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      logger,
      queues: ['run', 'prepare'],
    },
    async (ctx) => {
      // A subscriber connection can do nothing else: the producers' wake-ups get their own.
      const subscriber = connectRedis(config.REDIS_URL);
      const events = new RunEvents(subscriber, ctx.keys);
      const lock = { lockDurationMs: config.JOB_LOCK_MS, stalledIntervalMs: config.STALLED_CHECK_MS };
      const producer = { runs: ctx.runs, done: ctx.done, queues: ctx.queues, events, listSource };
      const pacing = { maxPending: config.MAX_PENDING, batchSize: config.LIST_BATCH, quietMs: config.RECONCILE_AFTER_MS };
      ctx.worker('run', runProcessor(producer, pacing, ctx.stopping), config.RUN_CONCURRENCY, lock);
      const prepare = stageProcessor('prepare', await handlers(), { runs: ctx.runs, done: ctx.done, flows: new ImageFlows(ctx.queues) });
      ctx.worker('prepare', prepare, config.PREPARE_CONCURRENCY, lock);
      return {
        routes: runsApi(ctx, { unet: config.UNET_MODEL, maskrcnn: config.MASKRCNN_MODEL }),
        close: async () => subscriber.disconnect(),
      };
    },
  );
}
