/**
 * Faults injected into the distributed pipeline: the four built services as OS processes, a
 * private redis-server and an s3rver S3 server, each on its own port, started here.
 *
 *  1. The S3 server is killed for OUTAGE_MS mid-run and started again (same port, same objects):
 *     every image ends with exactly one result or one readable failure, none is lost, and the
 *     services said on /readyz that storage was unreachable meanwhile. A byte-identical copy of an
 *     image under another name gets its own result.
 *  2. All four services are killed with SIGKILL at once, a Mask R-CNN job active: the jobs are taken again after their locks lapse (default JOB_LOCK_MS and
 *     STALLED_CHECK_MS) and every image ends with one result; the time from the kill to that job
 *     running again is printed (docs/OPERATIONS.md quotes it).
 *  3. Redis (append-only file, fsync always) is restarted mid-run: the services reconnect by
 *     themselves and every image still ends with exactly one result.
 *
 * Size: FAULT_IMAGES phantom images (default 10, at most 384 px a side); about 2 minutes on 2 cores.
 */
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePhantomSet } from '@vertxnet/phantom';
import { DEFAULT_MODELS, PipelineKeys, PipelineQueues, RunEvents, RunStore, connectRedis, runStatus, submitRun, type RunRecord } from '@vertxnet/queue';
import type { Redis } from 'ioredis';
import { startRedisServer, type RedisTestServer } from '../helpers/redis-server.js';
import { S3_TEST_CREDENTIALS, S3_TEST_REGION, startS3Server, type S3TestServer } from '../helpers/s3.js';
import { listKeys } from './helpers/cluster.js';
import { serviceEntry, spawnService, type ServiceName, type ServiceProcess } from './helpers/services.js';

const IMAGES = Number(process.env.FAULT_IMAGES ?? '10');
const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_MS ?? '20000');
const PREFIX = 'vxf';

interface Stack {
  tmp: string;
  redisServer: RedisTestServer;
  s3: S3TestServer;
  redis: Redis;
  subscriber: Redis;
  runs: RunStore;
  queues: PipelineQueues;
  events: RunEvents;
  env: Record<string, string>;
  services: Partial<Record<ServiceName, ServiceProcess>>;
  all: ServiceProcess[];
  names: string[];
}
let s: Stack;

async function start(name: ServiceName): Promise<ServiceProcess> {
  const service = await spawnService(name, serviceEntry(name), { env: s.env });
  s.all.push(service);
  await service.ready(90_000);
  s.services[name] = service;
  return service;
}

/** Resolves with the run once it is finished, woken by its events (bounded by `timeoutMs`). */
async function finished(id: string, timeoutMs: number): Promise<RunRecord> {
  let wake: () => void = () => undefined;
  const unsubscribe = await s.events.subscribe(id, () => wake());
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 1_000); // the final event may precede the subscription
      });
      const snap = await s.runs.snapshot(id);
      if (snap && snap.run.listingDone && snap.inFlight === 0) return snap.run;
      if (Date.now() > deadline) throw new Error(`run ${id} not finished within ${timeoutMs} ms: ${JSON.stringify(snap)}`);
      await woken;
    }
  } finally {
    await unsubscribe();
  }
}

/** Resolves once `check` holds, asked every 200 ms (bounded). */
async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function readiness(service: ServiceProcess): Promise<{ status: number; reasons: string[] }> {
  const res = await fetch(`${service.url}/readyz`);
  return { status: res.status, reasons: ((await res.json()) as { reasons?: string[] }).reasons ?? [] };
}

/** The result folders under an out prefix, with the files in each. */
async function resultFolders(prefix: string): Promise<Map<string, string[]>> {
  const folders = new Map<string, string[]>();
  for (const key of await listKeys(s.s3.client, 'out', `${prefix}/`)) {
    const [, folder, file] = key.split('/');
    if (file !== undefined) folders.set(folder!, [...(folders.get(folder!) ?? []), file]);
  }
  return folders;
}

beforeAll(async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'vertxnet-faults-'));
  const [redisServer, s3] = await Promise.all([startRedisServer(), startS3Server()]);
  const redis = connectRedis(redisServer.url);
  const subscriber = connectRedis(redisServer.url);
  // The test's own connections drop with the Redis restart (test 3) and reconnect by themselves.
  for (const connection of [redis, subscriber]) connection.on('error', () => undefined);
  const keys = new PipelineKeys(PREFIX);
  s = {
    tmp,
    redisServer,
    s3,
    redis,
    subscriber,
    runs: new RunStore(redis, keys),
    queues: new PipelineQueues(redis, PREFIX),
    events: new RunEvents(subscriber, keys),
    env: {
      REDIS_URL: redisServer.url,
      QUEUE_PREFIX: PREFIX,
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: S3_TEST_REGION,
      AWS_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
      WORK_URI: 's3://scratch/w',
      STORAGE_PROBE_MS: '1000',
      SHUTDOWN_TIMEOUT_MS: '5000',
      // Runs are submitted through Redis here; the API is not called, but ingest needs its token to start.
      API_TOKEN: 'fault-test-token-7c1e9a42',
    },
    services: {},
    all: [],
    names: [],
  };
  for (const name of ['run', 'prepare', 'unet', 'maskrcnn', 'fusion'] as const) s.queues.queue(name).on('error', () => undefined);
  for (const bucket of ['src', 'scratch', 'out']) await s3.createBucket(bucket);
  await writePhantomSet({ out: join(tmp, 'phantoms'), count: IMAGES, seed: 777, format: 'mix', maxSide: 384 });
  const generated = (await readdir(join(tmp, 'phantoms', 'images'))).sort();
  // One byte-identical copy under another name: it must get a result of its own.
  await cp(join(tmp, 'phantoms', 'images', generated[0]!), join(tmp, 'phantoms', 'images', `copy-of-${generated[0]}`));
  s.names = (await readdir(join(tmp, 'phantoms', 'images'))).sort();
  for (const name of s.names) {
    await s3.client.send(new PutObjectCommand({ Bucket: 'src', Key: `set/${name}`, Body: await readFile(join(tmp, 'phantoms', 'images', name)) }));
  }
  await Promise.all((['ingest', 'unet-worker', 'maskrcnn-worker', 'fusion-worker'] as const).map((name) => start(name)));
}, 180_000);

afterAll(async () => {
  if (!s) return;
  await Promise.all(s.all.map((p) => p.stop('SIGKILL')));
  await s.queues.close();
  s.subscriber.disconnect();
  s.redis.disconnect();
  await s.s3.stop();
  await s.redisServer.stop();
  await rm(s.tmp, { recursive: true, force: true });
});

describe.sequential('faults in the distributed pipeline (private Redis, s3rver, four service processes)', () => {
  it(`rides out an S3 outage of ${OUTAGE_MS / 1000} s mid-run: every image ends with one result, none lost`, async () => {
    const run = await submitRun({ source: 's3://src/set/', out: 's3://out/a', models: { ...DEFAULT_MODELS } }, s);
    // The outage starts once images are going through every stage.
    await until('three images done', async () => ((await s.runs.get(run.id))?.done ?? 0) >= 3, 120_000);
    const outageStarted = Date.now();
    const restart = await s.s3.interrupt();
    const workers = ['unet-worker', 'maskrcnn-worker', 'fusion-worker', 'ingest'] as const;
    await until(
      'every service reports storage on /readyz',
      async () => {
        const answers = await Promise.all(workers.map((w) => readiness(s.services[w]!)));
        return answers.every((a) => a.status === 503 && a.reasons.includes('storage unreachable'));
      },
      OUTAGE_MS,
    );
    // The rest of the outage (the fault itself, not a wait for a result).
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - outageStarted))));
    await restart();
    const restarted = Date.now();
    const record = await finished(run.id, 180_000);
    const drainedMs = Date.now() - restarted;

    expect(record.listed).toBe(s.names.length);
    expect(record).toMatchObject({ done: s.names.length, failed: 0, skipped: 0 });
    const folders = await resultFolders('a');
    expect([...folders.keys()].sort()).toEqual(s.names);
    for (const [folder, files] of folders) expect(files.sort(), folder).toEqual(['labels.png', 'overlay-small.jpg', 'overlay.png', 'result.json']);
    const status = await runStatus(run.id, s);
    expect(status?.failures).toEqual([]);
    for (const w of workers) expect((await readiness(s.services[w]!)).status).toBe(200);

    // The services paused rather than spending tries, and logged each failed try with its class.
    const failedTries = s.all.flatMap((p) => p.logs.filter((l) => l.msg === 'attempt failed; retried with backoff'));
    expect(failedTries.every((l) => typeof l.errorClass === 'string' && typeof l.attempt === 'number')).toBe(true);
    expect(s.all.flatMap((p) => p.logs).filter((l) => l.msg === 'job failed for good')).toEqual([]);
    expect(s.all.some((p) => p.logs.some((l) => l.msg === 'storage unavailable: workers paused until it answers'))).toBe(true);
    // run.json is written once the run is finished.
    await until(
      'run.json written',
      async () =>
        s.s3.client.send(new GetObjectCommand({ Bucket: 'out', Key: 'a/run.json' })).then(
          () => true,
          () => false,
        ),
      30_000,
    );
    console.log(
      `[faults] ${OUTAGE_MS / 1000} s S3 outage: ${s.names.length} of ${s.names.length} images labelled, 0 failed; ${failedTries.length} failed tries (classes: ${[...new Set(failedTries.map((l) => l.errorClass))].join(', ')}); run drained ${(drainedMs / 1000).toFixed(1)} s after S3 came back`,
    );
  }, 300_000);

  it('recovers the jobs of services killed with SIGKILL, with the default lock settings: every image one result', async () => {
    const events = new QueueEvents('maskrcnn', { connection: { url: s.redisServer.url }, prefix: PREFIX });
    await events.waitUntilReady();
    try {
      let completed = 0;
      events.on('completed', () => void completed++);
      const busy = new Promise<string>((resolve) => events.on('active', ({ jobId }) => completed >= 1 && resolve(jobId)));
      const run = await submitRun({ source: 's3://src/set/', out: 's3://out/b', models: { ...DEFAULT_MODELS } }, s);
      const jobId = await busy;
      const again = new Promise<number>((resolve) => events.on('active', (e) => e.jobId === jobId && resolve(Date.now())));
      // Every service dies at once, holding what it holds (ingest: the run's producer job).
      const workers = ['ingest', 'unet-worker', 'maskrcnn-worker', 'fusion-worker'] as const;
      const killedAt = Date.now();
      await Promise.all(workers.map((w) => s.services[w]!.stop('SIGKILL')));
      await Promise.all(workers.map((w) => start(w)));
      const recoveredMs = (await again) - killedAt;
      const record = await finished(run.id, 180_000);
      expect(record).toMatchObject({ done: s.names.length, failed: 0 });
      const folders = await resultFolders('b');
      expect([...folders.keys()].sort()).toEqual(s.names);
      for (const [folder, files] of folders) expect(files.sort(), folder).toEqual(['labels.png', 'overlay-small.jpg', 'overlay.png', 'result.json']);
      // The replacement ingest took the run's job over and wrote run.json once the run was finished.
      await until(
        'run.json written',
        async () =>
          s.s3.client.send(new GetObjectCommand({ Bucket: 'out', Key: 'b/run.json' })).then(
            () => true,
            () => false,
          ),
        60_000,
      );
      console.log(
        `[faults] SIGKILL of all four services, one Mask R-CNN job active: it ran again ${(recoveredMs / 1000).toFixed(1)} s after the kill (replacements started at once)`,
      );
      expect(recoveredMs).toBeLessThan(40_000);
    } finally {
      await events.close();
    }
  }, 300_000);

  it('carries on through a restart of Redis (append-only file): every image one result, none lost', async () => {
    const run = await submitRun({ source: 's3://src/set/', out: 's3://out/c', models: { ...DEFAULT_MODELS } }, s);
    await until('three images done', async () => ((await s.runs.get(run.id))?.done ?? 0) >= 3, 120_000);
    const restartedAt = Date.now();
    await s.redisServer.restart();
    const record = await finished(run.id, 180_000);
    expect(record).toMatchObject({ listed: s.names.length, done: s.names.length, failed: 0, skipped: 0 });
    const folders = await resultFolders('c');
    expect([...folders.keys()].sort()).toEqual(s.names);
    for (const [folder, files] of folders) expect(files.sort(), folder).toEqual(['labels.png', 'overlay-small.jpg', 'overlay.png', 'result.json']);
    console.log(
      `[faults] Redis restart mid-run: ${s.names.length} of ${s.names.length} images labelled; run finished ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after the restart`,
    );
  }, 300_000);
});
