import { basename } from '@vertxnet/core';
import { STAGES, type StageName } from './contract.js';
import type { PipelineQueues } from './queues.js';
import type { RunRecord, RunStore } from './run-store.js';

export interface RunFailure {
  stage: StageName | 'run';
  /** Basename of the source image ('' for the run's own failure). */
  source: string;
  /** The image's result folder name, where the job carries it (prepare and fusion jobs). */
  name?: string;
  reason: string;
}

export interface RunStatus {
  run: RunRecord;
  counts: {
    /** In flight, waiting for a worker. */
    queued: number;
    /** In flight, with a job of some stage being processed. */
    active: number;
    done: number;
    failed: number;
    skipped: number;
  };
  /** Images done or failed per second over the last minute. */
  throughput: number;
  /** Seconds until the images in flight are through, once the listing is complete; undefined if unknown. */
  etaSeconds?: number;
  /** Listing complete and nothing in flight. */
  finished: boolean;
  /** The run's ingest job: 'active' while it lists and paces, 'completed' once all is queued. */
  ingest: string;
  /** Most recent failures of the run's jobs across the stage queues, newest first. */
  failures: RunFailure[];
}

export interface StatusOptions {
  /** Failed jobs read per queue at most (they are filtered by run). */
  scanFailed?: number;
  /** Failures reported at most. */
  maxFailures?: number;
  now?: number;
}

/** Everything `vertxnet status` and `GET /runs/:id` show about a run; undefined if there is no such run. */
export async function runStatus(id: string, ctx: { runs: RunStore; queues: PipelineQueues }, opts: StatusOptions = {}): Promise<RunStatus | undefined> {
  const snapshot = await ctx.runs.snapshot(id);
  if (snapshot === undefined) return undefined;
  const { run, inFlight } = snapshot;
  const [active, perSecond, ingestJob, failures] = await Promise.all([
    activeImages(id, ctx.queues),
    ctx.runs.finishedPerSecond(id, 60, opts.now),
    ctx.queues.queue('run').getJob(id),
    recentFailures(id, ctx.queues, opts.scanFailed ?? 1000),
  ]);
  const ingest = ingestJob ? await ingestJob.getState() : 'removed';
  if (ingestJob?.failedReason && ingest === 'failed') failures.unshift({ stage: 'run', source: '', reason: ingestJob.failedReason });
  const throughput = perSecond.reduce((a, b) => a + b, 0) / perSecond.length;
  const activeNow = Math.min(active, inFlight);
  const status: RunStatus = {
    run,
    counts: { queued: inFlight - activeNow, active: activeNow, done: run.done, failed: run.failed, skipped: run.skipped },
    throughput,
    finished: run.listingDone && inFlight === 0,
    ingest,
    failures: failures.slice(0, opts.maxFailures ?? 20),
  };
  if (run.listingDone && throughput > 0) status.etaSeconds = inFlight / throughput;
  else if (run.listingDone && inFlight === 0) status.etaSeconds = 0;
  return status;
}

/** Images of the run with a job being processed now (worker concurrency bounds the scan). */
async function activeImages(id: string, queues: PipelineQueues): Promise<number> {
  const sources = new Set<string>();
  for (const stage of STAGES) {
    for (const job of await queues.queue(stage).getActive(0, 999)) {
      if (job?.data?.r === id) sources.add(String(job.data.s));
    }
  }
  return sources.size;
}

async function recentFailures(id: string, queues: PipelineQueues, scan: number): Promise<RunFailure[]> {
  const found: Array<RunFailure & { at: number }> = [];
  for (const stage of STAGES) {
    for (const job of await queues.queue(stage).getFailed(0, scan - 1)) {
      if (job?.data?.r !== id) continue;
      const name = typeof job.data.n === 'string' ? { name: job.data.n } : {};
      found.push({ stage, source: basename(String(job.data.s ?? '')), ...name, reason: job.failedReason ?? 'unknown', at: job.finishedOn ?? 0 });
    }
  }
  return found.sort((a, b) => b.at - a.at).map(({ at: _at, ...failure }) => failure);
}
