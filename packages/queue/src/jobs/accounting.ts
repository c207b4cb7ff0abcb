import type { Job } from 'bullmq';
import { z } from 'zod';
import { RunIdSchema, type JobName } from './contract.js';
import { prepareJobId } from './ids.js';
import type { RunStore } from './run-store.js';

const PrepareRef = z.object({ r: RunIdSchema });
const FusionRef = z.object({ r: RunIdSchema, s: z.string() });

/**
 * Counts an image as failed when the last attempt of its prepare or fusion job failed (model
 * children never end an image: fusion runs without them). Jobs too broken to name their run
 * are not counted here; the reconciler finds them. True if this call counted the image.
 */
export async function countFinalFailure(name: JobName, job: Job, runs: RunStore): Promise<boolean> {
  if (name === 'prepare') {
    const ref = PrepareRef.safeParse(job.data);
    return ref.success ? runs.finish(ref.data.r, String(job.id), 'failed') : false;
  }
  if (name === 'fusion') {
    const ref = FusionRef.safeParse(job.data);
    return ref.success ? runs.finish(ref.data.r, prepareJobId(ref.data.r, ref.data.s), 'failed') : false;
  }
  return false;
}

/** Whether this failure was the job's last attempt (BullMQ sets finishedOn only then). */
export function isFinalFailure(job: Job): boolean {
  return typeof job.finishedOn === 'number';
}
