import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { QueueEvents } from 'bullmq';
import {
  awaitRunFinished,
  etagIdentity,
  produceRun,
  reconcileInFlight,
  runStatus,
  stageProcessor,
  type FusionPayload,
  type ListedImage,
  type StageHandlers,
} from '@vertxnet/queue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeImageFolder, openTestPipeline, trivialHandlers, type TestPipeline } from '../../../../test/e2e/helpers/pipeline.js';
import { TEST_REDIS_URL } from '../../../../test/helpers/redis.js';

let p: TestPipeline;
let cleanups: Array<() => Promise<void>> = [];
beforeEach(async () => {
  p = await openTestPipeline();
  cleanups = [];
});
afterEach(async () => {
  await p.close();
  for (const cleanup of cleanups) await cleanup();
});

const models = { unet: 'unet@1.0.0', maskrcnn: 'maskrcnn@1.0.0' };
const never = new AbortController().signal;

async function folder(count: number) {
  const f = await makeImageFolder(count);
  cleanups.push(f.cleanup);
  return f;
}

/** Resolves after `count` prepare jobs were added (BullMQ's own event stream, no polling). */
async function preparesAdded(count: number): Promise<() => Promise<void>> {
  const events = new QueueEvents('prepare', { connection: { url: TEST_REDIS_URL }, prefix: p.prefix });
  await events.waitUntilReady();
  let seen = 0;
  const reached = new Promise<void>((resolve) =>
    events.on('waiting', () => {
      seen += 1;
      if (seen === count) resolve();
    }),
  );
  return async () => {
    await reached;
    await events.close();
  };
}

/** Handlers that record, on every call, how many images the run has in flight. */
function sampling(run: string) {
  const stats = { maxInFlight: 0, prepared: new Map<string, number>(), fused: [] as FusionPayload[] };
  const sample = async () => {
    stats.maxInFlight = Math.max(stats.maxInFlight, await p.runs.inFlight(run));
  };
  const base = trivialHandlers();
  const handlers: StageHandlers = {
    ...base,
    async prepare(job, signal) {
      await sample();
      stats.prepared.set(job.source, (stats.prepared.get(job.source) ?? 0) + 1);
      return base.prepare(job, signal);
    },
    async fuse(job, children, signal) {
      await sample();
      stats.fused.push(job);
      return base.fuse(job, children, signal);
    },
  };
  return { stats, handlers };
}

describe('paced producer', () => {
  it('never has more than MAX_PENDING images in flight, and resumes from its cursor after a stop', async () => {
    const { dir, names } = await folder(23);
    await p.runs.create({ id: 'r1', source: dir, out: 'file:///out', models });
    const opts = { maxPending: 6, batchSize: 4, quietMs: 60_000 };

    // No workers yet: the producer fills the backlog to the bound and waits.
    const sixAdded = await preparesAdded(6);
    const stop = new AbortController();
    const first = produceRun('r1', p.producer, opts, stop.signal);
    await sixAdded();
    expect(await p.runs.inFlight('r1')).toBe(6);
    expect(await p.queues.queue('prepare').getWaitingCount()).toBe(6);
    stop.abort();
    expect(await first).toBe('stopped');
    const stopped = await p.runs.get('r1');
    expect(stopped).toMatchObject({ queued: 6, listed: 6, cursor: names[5], listingDone: false });

    // Workers start; a new producer resumes after the cursor.
    const { stats, handlers } = sampling('r1');
    p.startStages(handlers, 3);
    expect(await produceRun('r1', p.producer, opts, never)).toBe('listed');
    const run = await p.waitForRun('r1');
    expect(run).toMatchObject({ listed: 23, queued: 23, done: 23, failed: 0, skipped: 0, listingDone: true });
    expect(stats.maxInFlight).toBeLessThanOrEqual(6);
    expect(stats.prepared.size).toBe(23);
    expect([...stats.prepared.values()].every((n) => n === 1)).toBe(true);
    expect(stats.fused.map((f) => f.result).sort()).toEqual(names);
  });

  it('awaitRunFinished resolves with the run once the listed images are all through, on run events', async () => {
    const { dir } = await folder(5);
    await p.runs.create({ id: 'r1', source: dir, out: 'file:///out', models });
    const opts = { maxPending: 10, batchSize: 5, quietMs: 60_000 };
    expect(await produceRun('r1', p.producer, opts, never)).toBe('listed');
    // Nothing processes yet: a stop ends the wait with undefined.
    const stop = new AbortController();
    const waiting = awaitRunFinished('r1', p.producer, opts, stop.signal);
    stop.abort();
    expect(await waiting).toBeUndefined();
    const finished = awaitRunFinished('r1', p.producer, opts, never);
    p.startStages(trivialHandlers());
    // quietMs is a minute: only the run events can wake it in time.
    expect(await finished).toMatchObject({ id: 'r1', listed: 5, done: 5, failed: 0, listingDone: true });
    expect(await p.runs.inFlight('r1')).toBe(0);
  });

  it('skips a re-submitted source and recomputes it with a new model version', async () => {
    const { dir } = await folder(5);
    const { stats, handlers } = sampling('r1');
    p.startStages(handlers);
    const opts = { maxPending: 4, batchSize: 2, quietMs: 60_000 };
    for (const [id, unet] of [
      ['r1', 'unet@1.0.0'],
      ['r2', 'unet@1.0.0'],
      ['r3', 'unet@2.0.0'],
    ] as const) {
      await p.runs.create({ id, source: dir, out: 'file:///out', models: { ...models, unet } });
      await produceRun(id, p.producer, opts, never);
      await p.waitForRun(id);
    }
    expect(await p.runs.get('r1')).toMatchObject({ done: 5, skipped: 0 });
    expect(await p.runs.get('r2')).toMatchObject({ done: 0, skipped: 5 });
    expect(await p.runs.get('r3')).toMatchObject({ done: 5, skipped: 0 });
    expect(stats.fused.length).toBe(10);
  });

  it('reads a manifest: relative URIs against its folder, per-row view over the run view', async () => {
    const { dir } = await folder(3);
    await writeFile(join(dir, 'cohort.csv'), 'uri,view\nimg-0000.png,lumbar\nimg-0002.png,\n');
    const { stats, handlers } = sampling('r1');
    p.startStages(handlers);
    await p.runs.create({ id: 'r1', source: join(dir, 'cohort.csv'), out: 'file:///out', models, view: 'cervical' });
    await produceRun('r1', p.producer, { maxPending: 4, batchSize: 10, quietMs: 60_000 }, never);
    expect(await p.waitForRun('r1')).toMatchObject({ done: 2, cursor: 'img-0002.png' });
    const byResult = Object.fromEntries(stats.fused.map((f) => [f.result, f]));
    expect(byResult['img-0000.png']).toMatchObject({ view: 'lumbar', source: pathToFileURL(join(dir, 'img-0000.png')).href });
    expect(byResult['img-0002.png']).toMatchObject({ view: 'cervical' });
  });

  it('skips images known done by their listing ETag without queueing them', async () => {
    const listing = async function* (): AsyncGenerator<ListedImage> {
      for (let i = 0; i < 4; i++) yield { uri: `s3://cohort/img-${i}.dcm`, result: `img-${i}`, cursor: `img-${i}.dcm`, etag: `etag-${i}` };
    };
    const { stats, handlers } = sampling('r1');
    const byEtag: StageHandlers = {
      ...handlers,
      prepare: async (job, signal) => ({ ...(await handlers.prepare(job, signal)), identity: etagIdentity(job.etag ?? 'missing') }),
    };
    p.startStages(byEtag);
    const ctx = { ...p.producer, listSource: listing };
    for (const id of ['r1', 'r2']) {
      await p.runs.create({ id, source: 's3://cohort', out: 's3://out', models });
      await produceRun(id, ctx, { maxPending: 4, batchSize: 4, quietMs: 60_000 }, never);
      await p.waitForRun(id);
    }
    expect(await p.runs.get('r1')).toMatchObject({ listed: 4, queued: 4, done: 4 });
    expect(await p.runs.get('r2')).toMatchObject({ listed: 4, queued: 0, skipped: 4, done: 0 });
    expect(stats.prepared.size).toBe(4);
  });

  it('gives byte-identical files under different names a result each, and a re-run skips them all', async () => {
    const { dir, names } = await folder(3);
    const { stats, handlers } = sampling('r1');
    // Same bytes under three names: one content identity (as prepare's sha256 of the bytes would be).
    const sameContent: StageHandlers = {
      ...handlers,
      prepare: async (job, signal) => ({ ...(await handlers.prepare(job, signal)), image: 'work/same.png', identity: 'sha256:same' }),
    };
    p.startStages(sameContent);
    const opts = { maxPending: 4, batchSize: 4, quietMs: 60_000 };
    for (const id of ['r1', 'r2']) {
      await p.runs.create({ id, source: dir, out: 'file:///out', models });
      await produceRun(id, p.producer, opts, never);
      await p.waitForRun(id);
    }
    expect(await p.runs.get('r1')).toMatchObject({ listed: 3, done: 3, skipped: 0, failed: 0 });
    expect(stats.fused.map((f) => f.result).sort()).toEqual(names);
    expect(await p.runs.get('r2')).toMatchObject({ listed: 3, done: 0, skipped: 3, failed: 0 });
  });

  it('gives objects with the same ETag under different keys a result each (skipped at listing only when done)', async () => {
    const listing = async function* (): AsyncGenerator<ListedImage> {
      for (let i = 0; i < 3; i++) yield { uri: `s3://cohort/copy-${i}.dcm`, result: `copy-${i}`, cursor: `copy-${i}.dcm`, etag: 'same-etag' };
    };
    const { stats, handlers } = sampling('r1');
    p.startStages({
      ...handlers,
      prepare: async (job, signal) => ({ ...(await handlers.prepare(job, signal)), identity: etagIdentity(job.etag ?? 'missing') }),
    });
    const ctx = { ...p.producer, listSource: listing };
    for (const id of ['r1', 'r2']) {
      await p.runs.create({ id, source: 's3://cohort', out: 's3://out', models });
      await produceRun(id, ctx, { maxPending: 4, batchSize: 4, quietMs: 60_000 }, never);
      await p.waitForRun(id);
    }
    expect(await p.runs.get('r1')).toMatchObject({ listed: 3, queued: 3, done: 3 });
    expect(stats.fused.map((f) => f.result).sort()).toEqual(['copy-0', 'copy-1', 'copy-2']);
    expect(await p.runs.get('r2')).toMatchObject({ listed: 3, queued: 0, skipped: 3, done: 0 });
  });

  it('fails a bad manifest row alone, with a readable reason, and finishes the run', async () => {
    const { dir } = await folder(3);
    await writeFile(join(dir, 'cohort.csv'), 'uri,view\nimg-0000.png,\n../../etc/passwd.png,\nimg-0001.png,sideways\nimg-0002.png,lumbar\n');
    const { stats, handlers } = sampling('r1');
    p.startStages(handlers);
    await p.runs.create({ id: 'r1', source: join(dir, 'cohort.csv'), out: 'file:///out', models });
    expect(await produceRun('r1', p.producer, { maxPending: 4, batchSize: 2, quietMs: 60_000 }, never)).toBe('listed');
    expect(await p.waitForRun('r1')).toMatchObject({ listed: 4, done: 2, failed: 2, listingDone: true });
    expect(stats.fused.map((f) => f.result).sort()).toEqual(['img-0000.png', 'img-0002.png']);
    const status = await runStatus('r1', p);
    expect(status?.finished).toBe(true);
    const reasons = (status?.failures ?? []).map((f) => `${f.stage}: ${f.reason}`).sort();
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toMatch(/^prepare: cohort\.csv row 3: .*(leaves|escapes)/);
    expect(reasons[1]).toMatch(/^prepare: cohort\.csv row 4: view "sideways"/);
  });

  it('reconciles images whose outcome was never counted (a job failed with no accounting, a lost count)', async () => {
    await p.runs.create({ id: 'r1', source: '/data', out: '/out', models });
    await p.runs.enqueue('r1', ['p-failed', 'p-done', 'p-waiting'], { listed: 3, skipped: 0 });
    await p.runs.assign('r1', 'p-done', 'i-done');
    await p.done.mark('i-done');
    // A prepare job that fails for good on a worker that does no accounting.
    const failing = trivialHandlers({
      prepare: async () => {
        throw new Error('never counted');
      },
    });
    const worker = p.startWorker('prepare', stageProcessor('prepare', failing, { runs: p.runs, done: p.done, flows: p.flows }), { runs: undefined });
    const failed = new Promise<void>((resolve) => worker.worker.on('failed', () => resolve()));
    await p.queues.queue('prepare').add('prepare', { r: 'r1', s: '/data/a.png', n: 'a' }, { jobId: 'p-failed' });
    await failed;
    expect(await p.runs.inFlight('r1')).toBe(3);
    expect(await reconcileInFlight('r1', p.producer)).toBe(2);
    expect(await p.runs.get('r1')).toMatchObject({ done: 1, failed: 1 });
    expect(await p.runs.inFlightImages('r1')).toEqual([{ member: 'p-waiting', imageId: '' }]);
  });
});
