import { WaitingError, type Job, type Processor } from 'bullmq';
import { parsePayload, toJobFailure } from './contract.js';
import { awaitRunFinished, produceRun, type ProducerContext, type ProducerOptions } from './producer.js';

/**
 * The processor of a run's ingest job: the paced producer. It lives as long as the listing
 * (its lock is renewed meanwhile); if this process dies, BullMQ's stalled-job check hands the
 * run to another ingest process, which resumes from the stored cursor. On shutdown (`stopping`)
 * the producer stops after its batch and the job goes back to waiting, not to failed.
 * With `ctx.onRunFinished`, the job then waits (still holding its lock) until nothing of the run is
 * in flight and calls it; a stop meanwhile sends the job back to waiting as well, and whoever
 * takes it next finds the listing done, waits, and calls it.
 */
export function runProcessor(ctx: ProducerContext, opts: ProducerOptions, stopping: AbortSignal): Processor {
  return async (job: Job, token?: string, signal?: AbortSignal) => {
    const { run } = parsePayload('run', job.data);
    const stop = signal ? AbortSignal.any([stopping, signal]) : stopping;
    const outcome = await produceRun(run, ctx, opts, stop).catch((err: unknown) => {
      throw toJobFailure(err);
    });
    if (outcome === 'stopped') {
      await job.moveToWait(token);
      throw new WaitingError();
    }
    if (ctx.onRunFinished === undefined) return { listed: true };
    const finished = await awaitRunFinished(run, ctx, opts, stop).catch((err: unknown) => {
      throw toJobFailure(err);
    });
    if (finished === undefined) {
      await job.moveToWait(token);
      throw new WaitingError();
    }
    await ctx.onRunFinished(finished).catch((err: unknown) => {
      throw toJobFailure(err);
    });
    return { listed: true, finished: true };
  };
}
