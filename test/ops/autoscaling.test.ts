/**
 * The autoscaling input: with waiting, prioritised and delayed jobs in a real BullMQ queue (real
 * Redis, private prefix), the value the KEDA trigger's query computes from the real ingest's
 * /metrics equals what a worker could take right now: waiting + prioritized. Delayed jobs (retry
 * backoff, or added with a delay) are not counted: they cannot run until their time, and scaling
 * GPU workers up for them would idle the GPUs; a redis list scaler (LLEN of the wait list) would miss
 * the prioritised ones.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys, testRedis, uniqueName } from '../helpers/redis.js';
import { build, byKind, type DeploymentObj } from './helpers/manifests.js';
import { matches, parseExposition, selectors } from './helpers/promql.js';
import { spawnService, waitReady, type SpawnedService } from './helpers/services.js';

const prefix = uniqueName('ops-scale');
const redis = testRedis({ forBullmq: true });
let ingest: SpawnedService;
let queue: Queue;

beforeAll(async () => {
  ingest = await spawnService('ingest', prefix);
  await waitReady(ingest);
  queue = new Queue('unet', { connection: redis, prefix });
  await queue.addBulk([1, 2, 3].map((i) => ({ name: 'unet', data: { i } })));
  await queue.addBulk([4, 5].map((i) => ({ name: 'unet', data: { i }, opts: { priority: i } })));
  await queue.addBulk([6, 7].map((i) => ({ name: 'unet', data: { i }, opts: { delay: 600_000 } })));
}, 120_000);

afterAll(async () => {
  await ingest?.stop();
  await queue?.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

/** Evaluates the trigger's query, sum(max by (state) (selector)), over the scraped samples. */
function evaluate(query: string, samples: ReturnType<typeof parseExposition>): number {
  expect(query).toMatch(/^sum\(max by \(state\) \(\w+\{[^}]*\}\)\)$/);
  const [sel] = selectors(query);
  const byState = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== sel!.metric || !matches(s.labels, sel!.matchers)) continue;
    byState.set(s.labels.state!, Math.max(byState.get(s.labels.state!) ?? -Infinity, s.value));
  }
  return [...byState.values()].reduce((a, b) => a + b, 0);
}

describe('KEDA trigger of the unet stage', () => {
  const so = byKind<{ spec: { triggers: Array<{ metadata: { query: string } }> } } & DeploymentObj>(build('overlays/gpu'), 'ScaledObject').find(
    (s) => s.metadata.name === 'vertxnet-unet-worker',
  )!;
  const query = so.spec.triggers[0]!.metadata.query;

  it('counts waiting and prioritised jobs, not delayed ones', async () => {
    const text = await (await fetch(`${ingest.base}/metrics`)).text();
    const samples = parseExposition(text);
    const unet = (state: string) => samples.find((s) => s.name === 'vertxnet_queue_jobs' && s.labels.queue === 'unet' && s.labels.state === state)?.value;
    expect([unet('waiting'), unet('prioritized'), unet('delayed')]).toEqual([3, 2, 2]);
    expect(evaluate(query, samples)).toBe(5);
    // What KEDA's redis list scaler would read: the wait list alone.
    expect(await redis.llen(`${prefix}:unet:wait`)).toBe(3);
    // Two replicas (and ingest) export the same queue: max by (state) does not double count.
    const twice = [...samples, ...samples.map((s) => ({ ...s, labels: { ...s.labels, pod: 'other' } }))];
    expect(evaluate(query, twice)).toBe(5);
  });

  it('is exactly the number of jobs a worker can take now', async () => {
    const taken: Array<Job> = [];
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const connection = testRedis({ forBullmq: true });
    const worker = new Worker(
      'unet',
      async (job) => {
        taken.push(job);
        await hold;
      },
      { connection, prefix, concurrency: 20, autorun: true },
    );
    try {
      const deadline = Date.now() + 10_000;
      while (taken.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 500));
      expect(taken.map((j) => (j.data as { i: number }).i).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
      const samples = parseExposition(await (await fetch(`${ingest.base}/metrics`)).text());
      expect(evaluate(query, samples)).toBe(0);
    } finally {
      release();
      await worker.close();
      connection.disconnect();
    }
  });
});
