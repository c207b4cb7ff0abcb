import { NotFoundError, type View } from '@vertxnet/core';
import { Backlog } from './backlog.js';
import { jobOptions, prepareJobData, rejectedJobData } from './contract.js';
import type { DoneRecords } from './done-records.js';
import { etagIdentity, imageIdOf, prepareJobId } from './ids.js';
import type { PipelineQueues } from './queues.js';
import { reconcileInFlight } from './reconcile.js';
import type { RunEvents } from './run-events.js';
import type { RunRecord, RunStore } from './run-store.js';

/** One image of a source listing. */
export interface ListedImage {
  /** Full URI of the image. */
  uri: string;
  /** Result name under the run's out URI. */
  result: string;
  /** Resume the listing after this item. */
  cursor: string;
  /** The storage's ETag, where the listing gives one. */
  etag?: string;
  view?: View;
  /** Why the listing could not take this item (a bad manifest row): it is queued to fail alone, with this reason. */
  rejected?: string;
  /**
   * Why the listing left this file out (not an image, a link): it is only recorded, with this
   * reason, for run.json; `cursor` still moves past it.
   */
  leftOut?: string;
}

/**
 * Lists a source's images in a stable order, resuming after `cursor`, lazily (a million-image
 * source must not be held in memory). The ingest service binds @vertxnet/pipeline's listSource.
 */
export type SourceLister = (source: string, cursor: string | undefined) => AsyncIterable<ListedImage>;

export interface ProducerOptions {
  /** Images of one run in flight at most. */
  maxPending: number;
  /** Listed items taken per batch (one Redis round trip each for accounting, jobs and cursor). */
  batchSize: number;
  /** How long a full backlog waits without any event before reconciling. */
  quietMs: number;
}

export interface ProducerContext {
  runs: RunStore;
  done: DoneRecords;
  queues: PipelineQueues;
  events: RunEvents;
  listSource: SourceLister;
  /**
   * Called once a listed run has nothing in flight (the run's job waits for that first, holding
   * its lock). It may run again for the same run (the job retried, or resumed by another ingest
   * process), so it must be idempotent: the ingest service writes run.json, summary.csv, vertebrae.csv and coco.json.
   */
  onRunFinished?: (run: RunRecord) => Promise<void>;
}

/**
 * The paced producer of one run: lists the source from the stored cursor and adds one prepare
 * job per image, never more than `maxPending` images in flight; after each batch it stores the
 * cursor, so a stopped producer resumes where it was. Returns 'listed' when the whole source is
 * queued, 'stopped' when `signal` aborted first (the cursor is saved; resume by calling again).
 */
export async function produceRun(runId: string, ctx: ProducerContext, opts: ProducerOptions, signal: AbortSignal): Promise<'listed' | 'stopped'> {
  const run = await ctx.runs.get(runId);
  if (run === undefined) throw new NotFoundError(`run ${runId} does not exist`);
  if (run.listingDone) return 'listed';
  const backlog = new Backlog(runId, ctx.runs, ctx.events, {
    maxPending: opts.maxPending,
    quietMs: opts.quietMs,
    onQuiet: async () => {
      await reconcileInFlight(runId, ctx);
    },
  });
  // Wait for a quarter of the bound at a time, so batches stay large when workers are fast.
  const lowWater = Math.max(1, Math.min(opts.batchSize, Math.floor(opts.maxPending / 4)));
  await backlog.open();
  try {
    let batch: ListedImage[] = [];
    for await (const item of ctx.listSource(run.source, run.cursor)) {
      if (signal.aborted) return 'stopped';
      batch.push(item);
      if (batch.length < opts.batchSize) continue;
      if (!(await queueBatch(run, batch, backlog, lowWater, ctx, signal))) return 'stopped';
      batch = [];
    }
    if (!(await queueBatch(run, batch, backlog, lowWater, ctx, signal))) return 'stopped';
    await ctx.runs.finishListing(runId);
    return 'listed';
  } finally {
    await backlog.close();
  }
}

/**
 * Waits until a listed run has no image in flight, woken by its events (and reconciling after
 * `quietMs` without one, as the producer does). Returns the finished run record, or undefined if
 * `signal` aborted first.
 */
export async function awaitRunFinished(runId: string, ctx: ProducerContext, opts: ProducerOptions, signal: AbortSignal): Promise<RunRecord | undefined> {
  const backlog = new Backlog(runId, ctx.runs, ctx.events, {
    maxPending: opts.maxPending,
    quietMs: opts.quietMs,
    onQuiet: async () => {
      await reconcileInFlight(runId, ctx);
    },
  });
  await backlog.open();
  try {
    if (!(await backlog.waitUntilDrained(signal))) return undefined;
  } finally {
    await backlog.close();
  }
  const snap = await ctx.runs.snapshot(runId);
  if (snap === undefined) throw new NotFoundError(`run ${runId} does not exist`);
  return snap.run;
}

/**
 * Records the batch's left-out files, then queues its images as room appears (left-out files take
 * none); false if stopped first (what was queued is behind the cursor).
 */
async function queueBatch(
  run: RunRecord,
  batch: ListedImage[],
  backlog: Backlog,
  lowWater: number,
  ctx: ProducerContext,
  signal: AbortSignal,
): Promise<boolean> {
  await ctx.runs.recordLeftOut(
    run.id,
    batch.flatMap((item) => (item.leftOut !== undefined ? [{ key: item.cursor, reason: item.leftOut }] : [])),
  );
  const images = batch.filter((item) => item.leftOut === undefined);
  let next = 0;
  while (next < images.length) {
    const room = await backlog.waitForRoom(Math.min(lowWater, images.length - next), signal);
    if (room === undefined) return false;
    const part = images.slice(next, next + room);
    await queueItems(run, part, ctx);
    next += part.length;
  }
  const last = batch[batch.length - 1];
  if (last !== undefined && last.leftOut !== undefined) await ctx.runs.saveCursor(run.id, last.cursor);
  return true;
}

/** Counts the images, adds their prepare jobs, then moves the cursor past them. */
async function queueItems(run: RunRecord, items: ListedImage[], ctx: ProducerContext): Promise<void> {
  const done = await alreadyDone(run, items, ctx.done);
  const fresh = items.filter((_, i) => !done[i]);
  const members = fresh.map((item) => prepareJobId(run.id, item.uri));
  await ctx.runs.enqueue(run.id, members, { listed: items.length, skipped: items.length - fresh.length });
  await ctx.queues.queue('prepare').addBulk(
    fresh.map((item, i) => {
      const view = item.view ?? run.view;
      // A rejected item goes the way of any bad image (failed once, counted, listed with its
      // reason in status and run.json) instead of failing the listing and the whole run with it.
      const data = item.rejected
        ? rejectedJobData(run.id, item.uri, item.result, item.rejected)
        : prepareJobData(
            {
              run: run.id,
              source: item.uri,
              result: item.result,
              out: run.out,
              models: run.models,
              ...(item.etag ? { etag: item.etag } : {}),
              ...(view ? { view } : {}),
            },
            run,
          );
      return { name: 'prepare', data, opts: { ...jobOptions('prepare'), jobId: members[i] as string } };
    }),
  );
  const last = items[items.length - 1];
  if (last !== undefined) await ctx.runs.saveCursor(run.id, last.cursor);
}

/** Where the listing gives an ETag (S3), a finished image is known without decoding it. */
async function alreadyDone(run: RunRecord, items: ListedImage[], done: DoneRecords): Promise<boolean[]> {
  const withEtag = items.flatMap((item, i) => (item.etag ? [{ i, id: imageIdOf(item.uri, etagIdentity(item.etag), run.models, run.out) }] : []));
  const found = await done.which(withEtag.map((e) => e.id));
  const result = items.map(() => false);
  withEtag.forEach((e, k) => (result[e.i] = found[k] === true));
  return result;
}
