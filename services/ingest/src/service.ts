import type { Logger } from '@vertxnet/config';
import {
  probedWorkStore,
  ImageFlows,
  RunEvents,
  RunMetrics,
  checkRedisHashSetting,
  connectRedis,
  runProcessor,
  s3OptionsFromEnv,
  startService,
  stageProcessor,
  type RunRecord,
  type RunningService,
  type SourceLister,
  type StageHandlersFor,
} from '@vertxnet/queue';
import { runsApi } from './api.js';
import { readApiAuth } from './api-auth.js';
import { parseCorsOrigins } from './cors.js';
import { marksApi } from './marks-api.js';
import { guardPrepare, guardRunProcessor, runUriPolicy } from './uri-guard.js';
import type { RunFinisher } from './run-files.js';
import type { IngestConfig } from './env.js';

/** The newest runs whose progress /metrics exports (only those not finished). */
const RUN_METRICS_RUNS = 20;

/**
 * The ingest service: the runs API, the paced producers (one `run` job per run, RUN_CONCURRENCY
 * at a time) and the prepare worker, which decodes each image and adds its flow.
 */
export async function startIngest(
  config: IngestConfig,
  logger: Logger,
  handlers: () => Promise<StageHandlersFor<'prepare'>>,
  listSource: SourceLister,
  /** Called when a run is finished (its files written); without it the run job ends with the listing. */
  finishRun?: RunFinisher,
): Promise<RunningService> {
  const auth = readApiAuth(config);
  const uris = runUriPolicy(config);
  if (auth.kind === 'open') logger.warn('API_INSECURE_DEV: the runs API answers without a token; never expose this port');
  return startService(
    {
      service: 'ingest',
      redisUrl: config.REDIS_URL,
      prefix: config.QUEUE_PREFIX,
      eventsMaxLen: config.QUEUE_EVENTS_MAX_LEN,
      httpHost: config.HTTP_HOST,
      httpPort: config.HTTP_PORT,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      logger,
      storage: probedWorkStore(config),
      // Every queue, not only its own: ingest always runs, so the depth of a model queue scaled to
      // zero replicas is still exported (KEDA scales it back up from this series).
      queues: ['run', 'prepare', 'unet', 'maskrcnn', 'fusion'],
    },
    async (ctx) => {
      // A subscriber connection can do nothing else: the producers' wake-ups get their own.
      const subscriber = connectRedis(config.REDIS_URL);
      await checkRedisHashSetting(ctx.redis, logger, config.MAX_PENDING);
      const events = new RunEvents(subscriber, ctx.keys);
      const lock = { lockDurationMs: config.JOB_LOCK_MS, stalledIntervalMs: config.STALLED_CHECK_MS };
      const producer = {
        runs: ctx.runs,
        done: ctx.done,
        queues: ctx.queues,
        events,
        listSource,
        ...(finishRun ? { onRunFinished: (run: RunRecord) => finishRun(run, { runs: ctx.runs, queues: ctx.queues }) } : {}),
      };
      const pacing = { maxPending: config.MAX_PENDING, batchSize: config.LIST_BATCH, quietMs: config.RECONCILE_AFTER_MS };
      ctx.worker('run', guardRunProcessor(runProcessor(producer, pacing, ctx.stopping), ctx.runs, uris), config.RUN_CONCURRENCY, lock);
      const prepare = stageProcessor('prepare', guardPrepare(await handlers(), uris), { runs: ctx.runs, done: ctx.done, flows: new ImageFlows(ctx.queues) });
      ctx.worker('prepare', prepare, config.PREPARE_CONCURRENCY, lock);
      // Progress of the runs still going (the dashboard's ETA); finished runs drop out.
      new RunMetrics(
        ctx.registry,
        async () => {
          const progress = [];
          for (const id of await ctx.runs.list(RUN_METRICS_RUNS)) {
            const snap = await ctx.runs.snapshot(id);
            if (!snap || (snap.run.listingDone && snap.inFlight === 0)) continue;
            const { listed, skipped, done, failed, listingDone } = snap.run;
            progress.push({ run: id, listed, skipped, done, failed, listingDone, inFlight: snap.inFlight });
          }
          return progress;
        },
        (err) => logger.warn({ err }, 'run progress not read'),
      );
      const runs = runsApi(ctx, { defaultModels: { unet: config.UNET_MODEL, maskrcnn: config.MASKRCNN_MODEL }, auth, uris });
      const marks = marksApi(ctx, { auth, cors: parseCorsOrigins(config.API_CORS_ORIGINS), s3: s3OptionsFromEnv(config), logger });
      return {
        routes: async (req, res) => (await marks(req, res)) || runs(req, res),
        close: async () => subscriber.disconnect(),
      };
    },
  );
}
