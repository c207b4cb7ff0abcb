import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { startHealthServer, type HealthServer, type RouteHandler } from '../metrics/health-server.js';
import { QueueMetrics, type QueueCounts } from '../metrics/queue-metrics.js';
import { createServiceRegistry } from '../metrics/registry.js';
import { StageMetrics } from '../metrics/stage-metrics.js';
import { JOB_CATALOG, type JobName } from '../jobs/contract.js';
import { DoneRecords } from '../jobs/done-records.js';
import { PipelineKeys } from '../jobs/keys.js';
import { PipelineQueues, connectRedis } from '../jobs/queues.js';
import { RunStore } from '../jobs/run-store.js';
import { JobWorker, type AttemptFailure, type JobWorkerOptions } from '../jobs/worker.js';
import type { Processor } from 'bullmq';
import { StorageProbe, type Storage } from '@vertxnet/storage';
import { ConfigError, ModelError } from '@vertxnet/core';

/** Job states exported as vertxnet_queue_jobs (KEDA scales on waiting + prioritized: prioritised jobs are not in 'wait'). */
export const QUEUE_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'waiting-children', 'completed'] as const;

export interface ServiceSettings {
  /** e.g. 'unet-worker': the metrics `service` label and the log's `service` field. */
  service: string;
  redisUrl: string;
  prefix: string;
  /** Address the HTTP server binds (HTTP_HOST). */
  httpHost: string;
  httpPort: number;
  shutdownTimeoutMs: number;
  logger: Logger;
  /** Queues whose depth this service exports. */
  queues: JobName[];
  /** Events kept per queue stream (QUEUE_EVENTS_MAX_LEN). */
  eventsMaxLen?: number;
  /**
   * The object store the service's jobs depend on (the work store). While it does not answer, the
   * workers take no new jobs and /readyz says so; probed every `probeMs` and after each job failed on it.
   */
  storage?: { store: Storage; probeMs: number };
}

/** What a service's setup gets: its connection, stores and metrics, and a signal that aborts on shutdown. */
export interface ServiceContext {
  redis: Redis;
  keys: PipelineKeys;
  runs: RunStore;
  done: DoneRecords;
  queues: PipelineQueues;
  registry: Registry;
  stages: StageMetrics;
  logger: Logger;
  stopping: AbortSignal;
  /** A worker with the service's connection, metrics and run accounting (started once setup returns). */
  worker(name: JobName, processor: Processor, concurrency: number, opts?: Partial<JobWorkerOptions>): JobWorker;
}

export interface ServiceParts {
  /** Extra HTTP routes beside /metrics, /healthz, /readyz (the ingest API). */
  routes?: RouteHandler;
  /** Reasons the service is not ready beyond Redis and shutdown (e.g. 'model not loaded'); [] when ready. */
  notReady?: () => string[];
  /** Called on shutdown after the workers closed, before Redis closes. */
  close?: () => Promise<void>;
}

export interface RunningService {
  port: number;
  /** Stops fetching, lets active jobs finish within shutdownTimeoutMs, closes everything. */
  stop(): Promise<'closed' | 'timed-out'>;
}

/** What a service holds from start to stop. */
interface ServiceCore {
  settings: ServiceSettings;
  redis: Redis;
  queues: PipelineQueues;
  /** The workers setup asked for, started once it returns. */
  workers: JobWorker[];
  probe: StorageProbe | undefined;
  stopping: AbortController;
  ctx: ServiceContext;
}

/** Connection, stores, metrics and the storage probe of a service, and the context its setup gets. */
function openServiceCore(settings: ServiceSettings): ServiceCore {
  const { logger } = settings;
  const redis = connectRedis(settings.redisUrl);
  redis.on('error', (err: Error) => logger.warn({ err }, 'redis connection error'));
  const keys = new PipelineKeys(settings.prefix);
  const runs = new RunStore(redis, keys);
  const queues = new PipelineQueues(redis, settings.prefix, settings.eventsMaxLen !== undefined ? { eventsMaxLen: settings.eventsMaxLen } : {});
  const registry = createServiceRegistry(settings.service);
  const stages = new StageMetrics(registry);
  new QueueMetrics(
    registry,
    () => queueCounts(queues, settings.queues),
    (err) => logger.warn({ err }, 'queue depth not read'),
  );
  const stopping = new AbortController();
  const workers: JobWorker[] = [];
  const probe = settings.storage ? pausingProbe(settings.storage, workers, logger) : undefined;
  const onFailure = (f: AttemptFailure): void => {
    stages.failedAttempts.inc({ stage: f.queue, error_class: f.errorClass, final: String(f.final) });
    const level = f.final ? 'error' : 'warn';
    logger[level](f, f.final ? 'job failed for good' : 'attempt failed; retried with backoff');
    if (f.errorClass === 'storage') void probe?.check();
  };

  const ctx: ServiceContext = {
    redis,
    keys,
    runs,
    done: new DoneRecords(redis, keys),
    queues,
    registry,
    stages,
    logger,
    stopping: stopping.signal,
    worker(name, processor, concurrency, opts = {}) {
      const stage = JOB_CATALOG[name].queue;
      const worker = new JobWorker(name, processor, {
        connection: redis,
        prefix: settings.prefix,
        concurrency,
        runs,
        onAttempt: (outcome, seconds) => stages.record(stage, outcome, seconds),
        onError: (err) => logger.error({ err, queue: stage }, 'worker error'),
        onFailure,
        ...opts,
      });
      workers.push(worker);
      return worker;
    },
  };
  return { settings, redis, queues, workers, probe, stopping, ctx };
}

/** A probe of the work store that pauses the workers while it does not answer and resumes them after. */
function pausingProbe(storage: { store: Storage; probeMs: number }, workers: readonly JobWorker[], logger: Logger): StorageProbe {
  return new StorageProbe(storage.store, {
    intervalMs: storage.probeMs,
    onChange: (reachable, err) => {
      if (reachable) {
        for (const w of workers) w.resume();
        logger.info('storage answers again: workers take jobs again');
      } else {
        for (const w of workers) w.pause();
        logger.error({ err: err?.message }, 'storage unavailable: workers paused until it answers');
      }
    },
  });
}

/** /metrics, /healthz, /readyz and the service's own routes; `parts` is undefined until setup returns. */
function serveHealth(core: ServiceCore, parts: () => ServiceParts | undefined): Promise<HealthServer> {
  const { settings, stopping, redis, probe } = core;
  return startHealthServer({
    host: settings.httpHost,
    port: settings.httpPort,
    registry: core.ctx.registry,
    ready: async () => {
      const reasons: string[] = [];
      if (stopping.signal.aborted) reasons.push('shutting down');
      const started = parts();
      if (started === undefined) reasons.push('starting (handlers not ready)');
      else reasons.push(...(started.notReady?.() ?? []));
      if (!(await redisAnswers(redis))) reasons.push('redis unreachable');
      if (probe && !probe.reachable) reasons.push('storage unreachable');
      return { ok: reasons.length === 0, reasons };
    },
    routes: (req, res) => parts()?.routes?.(req, res) ?? false,
  });
}

/** The SIGTERM path: not ready, no new jobs, active jobs get shutdownTimeoutMs, then everything closes. */
async function stopService(core: ServiceCore, health: HealthServer, parts: ServiceParts | undefined): Promise<'closed' | 'timed-out'> {
  const { settings, workers, probe } = core;
  const { logger } = settings;
  core.stopping.abort();
  probe?.stop();
  logger.info({ timeoutMs: settings.shutdownTimeoutMs }, 'shutting down: no new jobs, waiting for active ones');
  const outcomes = await Promise.all(workers.map((w) => w.close(settings.shutdownTimeoutMs)));
  const outcome = outcomes.includes('timed-out') ? 'timed-out' : 'closed';
  if (outcome === 'timed-out') logger.warn('active jobs still running at the deadline; they return to their queue through stalled-job recovery');
  await parts?.close?.();
  await health.close();
  await core.queues.close();
  core.redis.disconnect();
  logger.info({ outcome }, 'stopped');
  return outcome;
}

/**
 * The life of a queue service: HTTP (/metrics, /healthz, /readyz) first, so probes answer while
 * models load; then `setup` builds the handlers and workers; then the workers start. stop() is
 * the SIGTERM path: not ready at once, no new jobs, active jobs get shutdownTimeoutMs to finish,
 * and jobs still running after that are left locked: when their locks expire, BullMQ's
 * stalled-job check (in any live worker of the queue) returns them to the queue. Nothing is lost.
 */
export async function startService(settings: ServiceSettings, setup: (ctx: ServiceContext) => Promise<ServiceParts>): Promise<RunningService> {
  const { logger } = settings;
  const core = openServiceCore(settings);
  let parts: ServiceParts | undefined;
  const health = await serveHealth(core, () => parts);
  logger.info({ host: settings.httpHost, port: health.port }, 'http server listening');

  parts = await setup(core.ctx);
  for (const worker of core.workers) worker.start();
  core.probe?.start();
  logger.info({ queues: core.workers.map((w) => JOB_CATALOG[w.name].queue) }, 'workers started');

  let stopped: Promise<'closed' | 'timed-out'> | undefined;
  return {
    port: health.port,
    stop() {
      stopped ??= stopService(core, health, parts);
      return stopped;
    },
  };
}

/**
 * Runs a service until SIGTERM or SIGINT, then stops it and exits 0. A service that cannot start
 * exits 1; one whose model or configuration is unusable (found while its setup loads them) says
 * why in one line on stderr, as a bad variable does, and exits 2.
 */
export async function runServiceProcess(start: () => Promise<RunningService>, logger: Logger): Promise<void> {
  let service: RunningService;
  try {
    service = await start();
  } catch (err) {
    if (err instanceof ModelError || err instanceof ConfigError) {
      logger.fatal({ code: err.code }, err.message);
      const name = (logger.bindings() as { service?: unknown }).service;
      process.stderr.write(`${typeof name === 'string' ? `${name}: ` : ''}${err.message}\n`);
      process.exit(2);
    }
    logger.fatal({ err }, 'service failed to start');
    process.exit(1);
  }
  const onSignal = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'signal received');
    void service.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

async function queueCounts(queues: PipelineQueues, names: JobName[]): Promise<QueueCounts> {
  const counts: QueueCounts = {};
  for (const name of names) counts[JOB_CATALOG[name].queue] = await queues.queue(name).getJobCounts(...QUEUE_STATES);
  return counts;
}

async function redisAnswers(redis: Redis, timeoutMs = 1000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([redis.ping().then((r) => r === 'PONG'), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
