import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnService, type ServiceProcess } from '../../../test/e2e/helpers/services.js';
import { TEST_REDIS_URL, deleteKeys, testRedis, uniqueName } from '../../../test/helpers/redis.js';

const HELD_WORKER = fileURLToPath(new URL('../../../test/e2e/helpers/fixtures/held-unet-worker.ts', import.meta.url));
/** A U-Net job as stored (see ModelJobSchema). */
const payload = { r: 'r1', s: 'file:///data/a.png', i: 'work/a.png', m: 'unet@1.0.0' };

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function setup() {
  const prefix = uniqueName();
  const queue = new Queue('unet', { connection: { url: TEST_REDIS_URL }, prefix });
  const events = new QueueEvents('unet', { connection: { url: TEST_REDIS_URL }, prefix });
  await events.waitUntilReady();
  const redis = testRedis();
  cleanup.push(async () => {
    await events.close();
    await queue.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });
  const worker = async (tag: string, env: Record<string, string>): Promise<ServiceProcess> => {
    const service = await spawnService(`unet-${tag}`, HELD_WORKER, { env: { QUEUE_PREFIX: prefix, WORKER_TAG: tag, ...env } });
    cleanup.push(() => service.stop('SIGKILL'));
    await service.ready();
    return service;
  };
  const once = (event: 'active' | 'completed', jobId: string) =>
    new Promise<{ returnvalue?: unknown }>((resolve) => {
      const listener = (args: { jobId: string; returnvalue?: unknown }) => {
        if (args.jobId !== jobId) return;
        events.off(event, listener);
        resolve(args);
      };
      events.on(event, listener);
    });
  return { queue, worker, once };
}

describe('unet-worker shutdown (a real process)', () => {
  it('on SIGTERM lets the active job finish, then exits 0 in time', async () => {
    const { queue, worker, once } = await setup();
    const service = await worker('a', { HOLD_MS: '1500', SHUTDOWN_TIMEOUT_MS: '10000' });
    const job: Job = await queue.add('unet', payload);
    const completed = once('completed', job.id!);
    await once('active', job.id!);
    const stopped = await service.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(10_000);
    expect((await completed).returnvalue).toEqual({ foreground: 'work/a.png.fg-a' });
    expect(service.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down: no new jobs, waiting for active ones', 'stopped']));
  });

  it('exits 0 at SHUTDOWN_TIMEOUT_MS with a job still running; the job returns through stalled-job recovery and completes', async () => {
    const { queue, worker, once } = await setup();
    const lock = { JOB_LOCK_MS: '1500', STALLED_CHECK_MS: '500' };
    const first = await worker('a', { HOLD_MS: '60000', SHUTDOWN_TIMEOUT_MS: '300', ...lock });
    const job: Job = await queue.add('unet', payload);
    const completed = once('completed', job.id!);
    await once('active', job.id!);
    const stopped = await first.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(5_000);
    expect(await (await queue.getJob(job.id!))?.getState()).toBe('active');
    await worker('b', { HOLD_MS: '0', ...lock });
    expect((await completed).returnvalue).toEqual({ foreground: 'work/a.png.fg-b' });
  });
});
