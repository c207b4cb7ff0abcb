import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import { basename } from '@vertxnet/core';
import {
  DoneRecords,
  ImageFlows,
  JobWorker,
  PipelineKeys,
  PipelineQueues,
  RunEvents,
  RunStore,
  connectRedis,
  stageProcessor,
  type JobName,
  type JobWorkerOptions,
  type ProducerContext,
  type RunRecord,
  type SourceLister,
  type StageHandlers,
} from '@vertxnet/queue';
import { listSource, resultName } from '@vertxnet/pipeline';
import { TEST_REDIS_URL, deleteKeys } from '../../helpers/redis.js';

/** Everything the queue layer needs, on a fresh `test-<uuid>` key prefix of the test Redis. */
export interface TestPipeline {
  prefix: string;
  redis: Redis;
  keys: PipelineKeys;
  runs: RunStore;
  done: DoneRecords;
  queues: PipelineQueues;
  flows: ImageFlows;
  events: RunEvents;
  /** What produceRun needs (local folders and manifests only). */
  producer: ProducerContext;
  /** Starts a worker for one job; it is closed by close(). */
  startWorker(name: JobName, processor: Processor, opts?: Partial<JobWorkerOptions>): JobWorker;
  /** Starts the four stage workers over these handlers. */
  startStages(handlers: StageHandlers, concurrency?: number): JobWorker[];
  /** Resolves with the run once `until` holds, re-checked on each of the run's events. */
  waitForRun(id: string, until?: (run: RunRecord, inFlight: number) => boolean): Promise<RunRecord>;
  close(): Promise<void>;
}

export async function openTestPipeline(): Promise<TestPipeline> {
  const prefix = `test-${randomUUID()}`;
  const redis = connectRedis(TEST_REDIS_URL);
  const subscriber = connectRedis(TEST_REDIS_URL);
  const keys = new PipelineKeys(prefix);
  const runs = new RunStore(redis, keys);
  const done = new DoneRecords(redis, keys);
  const queues = new PipelineQueues(redis, prefix);
  const flows = new ImageFlows(queues);
  const events = new RunEvents(subscriber, keys);
  const workers: JobWorker[] = [];
  const startWorker = (name: JobName, processor: Processor, opts: Partial<JobWorkerOptions> = {}): JobWorker => {
    const worker = new JobWorker(name, processor, { connection: redis, prefix, concurrency: 4, runs, ...opts });
    worker.start();
    workers.push(worker);
    return worker;
  };
  return {
    prefix,
    redis,
    keys,
    runs,
    done,
    queues,
    flows,
    events,
    producer: { runs, done, queues, events, listSource: pipelineLister() },
    startWorker,
    startStages(handlers, concurrency = 4) {
      return [
        startWorker('prepare', stageProcessor('prepare', handlers, { runs, done, flows }), { concurrency }),
        startWorker('unet', stageProcessor('unet', handlers, undefined), { concurrency }),
        startWorker('maskrcnn', stageProcessor('maskrcnn', handlers, undefined), { concurrency }),
        startWorker('fusion', stageProcessor('fusion', handlers, { runs, done, queues }), { concurrency }),
      ];
    },
    async waitForRun(id, until = (run, inFlight) => run.listingDone && inFlight === 0) {
      let wake: () => void = () => undefined;
      const unsubscribe = await events.subscribe(id, () => wake());
      try {
        for (;;) {
          const woken = new Promise<void>((resolve) => (wake = resolve));
          const snapshot = await runs.snapshot(id);
          if (snapshot !== undefined && until(snapshot.run, snapshot.inFlight)) return snapshot.run;
          await woken;
        }
      } finally {
        await unsubscribe();
      }
    },
    async close() {
      await Promise.all(workers.map((w) => w.close(10_000)));
      await queues.close();
      await deleteKeys(redis, prefix);
      subscriber.disconnect();
      await redis.quit();
    },
  };
}

/** The pipeline's source listing as the producer takes it (what the ingest service binds too). */
export function pipelineLister(s3?: NonNullable<Parameters<typeof listSource>[1]>['s3']): SourceLister {
  return async function* (source, cursor) {
    for await (const item of listSource(source, { ...(cursor !== undefined ? { startAfter: cursor } : {}), ...(s3 ? { s3 } : {}) })) {
      yield {
        uri: item.uri,
        result: resultName(item.key),
        cursor: item.key,
        ...(item.etag ? { etag: item.etag } : {}),
        ...(item.view ? { view: item.view } : {}),
        ...(item.rejected ? { rejected: item.rejected } : {}),
      };
    }
  };
}

/** Handlers that do no image work: identity = source URI, outputs named after the source. */
export function trivialHandlers(overrides: Partial<StageHandlers> = {}): StageHandlers {
  return {
    async prepare(job) {
      return { image: `work/${basename(job.source)}.png`, width: 8, height: 8, identity: job.source };
    },
    async unet(job) {
      return { foreground: `${job.image}.foreground` };
    },
    async maskrcnn(job) {
      return { instances: `${job.image}.instances` };
    },
    async fuse(job, children) {
      return { result: `${job.result}.json`, summary: { failures: children.failures.length } };
    },
    ...overrides,
  };
}

/** A temp folder with `count` empty image files (and one non-image), named img-0000.png …; remove with the returned cleanup. */
export async function makeImageFolder(count: number, ext = '.png'): Promise<{ dir: string; names: string[]; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'vertxnet-src-'));
  const names = Array.from({ length: count }, (_, i) => `img-${String(i).padStart(4, '0')}${ext}`);
  for (const name of names) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), '');
  }
  await writeFile(join(dir, 'notes.txt'), 'not an image');
  return { dir, names, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
