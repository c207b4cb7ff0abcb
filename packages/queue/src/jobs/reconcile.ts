import type { DoneRecords } from './done-records.js';
import type { PipelineQueues } from './queues.js';
import type { RunStore } from './run-store.js';

export interface ReconcileContext {
  runs: RunStore;
  done: DoneRecords;
  queues: PipelineQueues;
}

/**
 * The safety net under the backlog count. Images normally leave the backlog from their worker
 * (done, skipped, or the 'failed' event of their last attempt); a job failed by the stalled-job
 * checker, or a worker killed between failing a job and counting it, would hold a place forever.
 * This looks at each image in flight (at most MAX_PENDING) and counts the ones whose job has
 * finished. Returns how many it counted.
 */
export async function reconcileInFlight(run: string, ctx: ReconcileContext): Promise<number> {
  let counted = 0;
  for (const { member, imageId } of await ctx.runs.inFlightImages(run)) {
    const outcome = imageId === '' ? await prepareOutcome(member, ctx) : await flowOutcome(imageId, ctx);
    if (outcome !== undefined && (await ctx.runs.finish(run, member, outcome))) counted += 1;
  }
  return counted;
}

async function prepareOutcome(member: string, ctx: ReconcileContext): Promise<'failed' | undefined> {
  const job = await ctx.queues.queue('prepare').getJob(member);
  // No job yet: its batch is re-added when the listing resumes from the stored cursor.
  if (job === undefined) return undefined;
  return (await job.getState()) === 'failed' ? 'failed' : undefined;
}

async function flowOutcome(imageId: string, ctx: ReconcileContext): Promise<'done' | 'failed' | undefined> {
  if (await ctx.done.has(imageId)) return 'done';
  const job = await ctx.queues.queue('fusion').getJob(imageId);
  // Fusion counts its image before it completes and is removed, so a missing job was lost.
  if (job === undefined) return 'failed';
  return (await job.getState()) === 'failed' ? 'failed' : undefined;
}
