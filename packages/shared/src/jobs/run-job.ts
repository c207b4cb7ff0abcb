import { WaitingError, type Job, type Processor } from 'bullmq';
import { parsePayload, toJobFailure } from './contract.js';
import { produceRun, type ProducerContext, type ProducerOptions } from './producer.js';

/**
 * The processor of a run's ingest job: the paced producer. It lives as long as the listing
 * (its lock is renewed meanwhile); if this process dies, BullMQ's stalled-job check hands the
 * run to another ingest process, which resumes from the stored cursor. On shutdown (`stopping`)
 * the producer stops after its batch and the job goes back to waiting, not to failed.
 */
export function runProcessor(ctx: ProducerContext, opts: ProducerOptions, stopping: AbortSignal): Processor {
  return async (job: Job, token?: string, signal?: AbortSignal) => {
    const { run } = parsePayload('run', job.data);
    const outcome = await produceRun(run, ctx, opts, signal ? AbortSignal.any([stopping, signal]) : stopping).catch((err: unknown) => {
      throw toJobFailure(err);
    });
    if (outcome === 'stopped') {
      await job.moveToWait(token);
      throw new WaitingError();
    }
    return { listed: true };
  };
}
