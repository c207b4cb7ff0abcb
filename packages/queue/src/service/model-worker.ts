import type { Logger } from 'pino';
import type { StageHandlersFor } from '../jobs/handlers.js';
import { stageProcessor } from '../jobs/processors.js';
import { probedWorkStore } from './service-env.js';
import { startService, type RunningService, type ServiceContext } from './service-runtime.js';

/** What a model worker's environment holds for the queue binding (both model workers alike). */
export interface ModelWorkerConfig {
  REDIS_URL: string;
  QUEUE_PREFIX: string;
  QUEUE_EVENTS_MAX_LEN: number;
  HTTP_HOST: string;
  HTTP_PORT: number;
  SHUTDOWN_TIMEOUT_MS: number;
  CONCURRENCY: number;
  JOB_LOCK_MS: number;
  STALLED_CHECK_MS: number;
  WORK_URI: string;
  STORAGE_PROBE_MS: number;
  S3_ENDPOINT?: string | undefined;
  S3_REGION: string;
  S3_FORCE_PATH_STYLE?: boolean | undefined;
}

/**
 * A model worker: one queue, one handler. `handlers` gets the service context (its metrics
 * registry) and resolves once the model is loaded, so /readyz turns ready only then.
 */
export function startModelWorker<S extends 'unet' | 'maskrcnn'>(
  stage: S,
  config: ModelWorkerConfig,
  logger: Logger,
  handlers: (ctx: ServiceContext) => Promise<StageHandlersFor<S>>,
): Promise<RunningService> {
  return startService(
    {
      service: `${stage}-worker`,
      redisUrl: config.REDIS_URL,
      prefix: config.QUEUE_PREFIX,
      eventsMaxLen: config.QUEUE_EVENTS_MAX_LEN,
      httpHost: config.HTTP_HOST,
      httpPort: config.HTTP_PORT,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      logger,
      queues: [stage],
      storage: probedWorkStore(config),
    },
    async (ctx) => {
      ctx.worker(stage, stageProcessor(stage, await handlers(ctx), undefined), config.CONCURRENCY, {
        lockDurationMs: config.JOB_LOCK_MS,
        stalledIntervalMs: config.STALLED_CHECK_MS,
      });
      return {};
    },
  );
}
