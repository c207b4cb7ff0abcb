import { writeRunFiles } from '@vertxnet/pipeline';
import { openStorage, type S3ClientOptions } from '@vertxnet/storage';
import { runStatus, type PipelineQueues, type RunRecord, type RunStore } from '@vertxnet/queue';

/** Failures listed in run.json at most (the newest first, from the stage queues' failed jobs). */
const MAX_FAILURES = 10_000;

/** What the ingest service does when a run is finished: run.json, summary.csv, vertebrae.csv and coco.json in its out URI. */
export type RunFinisher = (run: RunRecord, ctx: { runs: RunStore; queues: PipelineQueues }) => Promise<void>;

export function runFilesWriter(s3: S3ClientOptions): RunFinisher {
  return async (run, ctx) => {
    const status = await runStatus(run.id, ctx, { scanFailed: MAX_FAILURES, maxFailures: MAX_FAILURES });
    const failures = (status?.failures ?? [])
      .filter((f) => f.stage !== 'run')
      .map((f) => ({ ...(f.name !== undefined ? { name: f.name } : {}), source: f.source, stage: f.stage, reason: f.reason }));
    await writeRunFiles(openStorage(run.out, s3), {
      id: run.id,
      source: run.source,
      out: run.out,
      startedAt: new Date(run.created).toISOString(),
      finishedAt: new Date().toISOString(),
      ...(run.view ? { view: run.view } : {}),
      models: run.models,
      counts: { listed: run.listed, skipped: run.skipped, done: run.done, failed: run.failed, leftOut: run.leftOut },
      failures,
      leftOut: await ctx.runs.leftOutFiles(run.id),
    });
  };
}
