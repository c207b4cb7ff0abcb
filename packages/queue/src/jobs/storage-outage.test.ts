/**
 * A storage outage on a real S3 server (s3rver killed, then started again on the same port over
 * the same objects) and real Redis: the worker's jobs ride it out instead of failing for good.
 */
import { Queue, QueueEvents } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageUnavailableError } from '@vertxnet/core';
import { createLogger } from '@vertxnet/config';
import { S3Storage } from '@vertxnet/storage';
import { jobOptions, startService, stageProcessor, storageOutageBudgetMs, type RunningService } from '@vertxnet/queue';
import { TEST_REDIS_URL, deleteKeys, testRedis, uniqueName } from '../../../../test/helpers/redis.js';
import { s3TestClient, startS3Server } from '../../../../test/helpers/s3.js';

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** Resolves once `check` holds, re-checked every 100 ms; rejects after `timeoutMs` saying what was awaited. */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const OUTAGE_MS = 10_000;
const JOBS = 6;

describe('a storage outage', () => {
  it('outlasts the old retry budget by minutes: the default budget of a model job', () => {
    // The 3 tries with 2 s + 4 s of backoff that used to be all an image got.
    expect(storageOutageBudgetMs('unet')).toBeGreaterThan(5 * 60_000);
    expect(storageOutageBudgetMs('fusion')).toBeGreaterThan(5 * 60_000);
  });

  it(`of ${OUTAGE_MS / 1000} s is ridden out: /readyz says so, the worker pauses, every job completes once, each failed try is logged with its class`, async () => {
    const s3 = await startS3Server();
    cleanup.push(() => s3.stop());
    await s3.createBucket('work');
    const client = s3TestClient(s3.endpoint);
    cleanup.push(async () => client.destroy());
    const store = new S3Storage({ bucket: 'work', client });
    for (let i = 0; i < JOBS; i++) await store.put(`images/${i}.png`, 'pixels');

    const prefix = uniqueName();
    const redis = testRedis();
    cleanup.push(async () => {
      await deleteKeys(redis, prefix);
      await redis.quit();
    });
    const logs: Array<Record<string, unknown>> = [];
    const logger = createLogger('unet-worker', 'info', { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
    const reads: string[] = [];
    const service: RunningService = await startService(
      {
        service: 'unet-worker',
        redisUrl: TEST_REDIS_URL,
        prefix,
        httpHost: '127.0.0.1',
        httpPort: 0,
        shutdownTimeoutMs: 5_000,
        logger,
        queues: ['unet'],
        storage: { store, probeMs: 200 },
      },
      async (ctx) => {
        const unet = async (job: { image: string }) => {
          await store.get(job.image);
          reads.push(job.image);
          return { foreground: `${job.image}.fg` };
        };
        ctx.worker('unet', stageProcessor('unet', { unet }, undefined), 2);
        return {};
      },
    );
    cleanup.push(() => service.stop());
    const base = `http://127.0.0.1:${service.port}`;
    const readiness = async () => {
      const res = await fetch(`${base}/readyz`);
      return { status: res.status, body: (await res.json()) as { reasons: string[] } };
    };
    expect((await readiness()).status).toBe(200);

    const queue = new Queue('unet', { connection: { url: TEST_REDIS_URL }, prefix });
    const events = new QueueEvents('unet', { connection: { url: TEST_REDIS_URL }, prefix });
    cleanup.push(async () => {
      await events.close();
      await queue.close();
    });
    await events.waitUntilReady();
    const completed = new Set<string>();
    const failedForGood: string[] = [];
    events.on('completed', ({ jobId }) => void completed.add(jobId));
    events.on('failed', ({ jobId, failedReason }) => void failedForGood.push(`${jobId}: ${failedReason}`));
    const allCompleted = new Promise<void>((resolve) => events.on('completed', () => completed.size === JOBS && resolve()));

    // Storage goes down, then the jobs arrive.
    const restart = await s3.interrupt();
    await expect(store.get('images/0.png')).rejects.toBeInstanceOf(StorageUnavailableError);
    for (let i = 0; i < JOBS; i++) {
      await queue.add('unet', { r: 'r1', s: `s3://src/${i}.png`, i: `images/${i}.png`, m: 'unet@1.0.0' }, { ...jobOptions('unet'), jobId: `j${i}` });
    }
    await until('/readyz reports storage', async () => (await readiness()).body.reasons.includes('storage unreachable'));
    expect((await readiness()).status).toBe(503);
    await until('the workers pause', () => logs.some((l) => l.msg === 'storage unavailable: workers paused until it answers'));
    await until('a failed try is logged with its class', () =>
      logs.some((l) => l.msg === 'attempt failed; retried with backoff' && l.errorClass === 'storage'),
    );
    // The outage itself: the server stays down this long (the fault, not a wait for a result).
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    expect(failedForGood).toEqual([]);
    await restart();

    await Promise.race([allCompleted, until('every job completes', () => false, 60_000)]);
    expect(failedForGood).toEqual([]);
    expect([...completed].sort()).toEqual(Array.from({ length: JOBS }, (_, i) => `j${i}`));
    expect(reads.sort()).toEqual(Array.from({ length: JOBS }, (_, i) => `images/${i}.png`));
    await until('/readyz is ready again', async () => (await readiness()).status === 200);
    expect(logs.some((l) => l.msg === 'storage answers again: workers take jobs again')).toBe(true);
    // Each failed try: logged with class, attempt and no payload; counted by class.
    const failures = logs.filter((l) => l.msg === 'attempt failed; retried with backoff');
    for (const f of failures) {
      expect(f).toMatchObject({ queue: 'unet', errorClass: 'storage', final: false });
      expect(String(f.reason)).toMatch(/S3 unavailable/);
      expect(JSON.stringify(f)).not.toContain('s3://src/');
    }
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const counted = /^vertxnet_failed_attempts_total\{[^}]*error_class="storage"[^}]*final="false"[^}]*\} (\d+)$/m.exec(metrics);
    expect(Number(counted?.[1])).toBe(failures.length);
  }, 120_000);
});
