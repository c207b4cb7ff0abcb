import { InputError } from '@vertxnet/core';
import { parseStorageUri, splitFileUri } from '@vertxnet/storage';
import { jobOptions } from './contract.js';
import { newRunId } from './ids.js';
import type { PipelineQueues } from './queues.js';
import { RunSpecSchema, type RunSpec, type RunStore } from './run-store.js';

export type RunRequest = Omit<RunSpec, 'id'> & { id?: string };

/**
 * Creates a run and queues its ingest job; an ingest service picks it up and paces it.
 * Throws InputError for an unusable request (bad URI, an existing id).
 */
export async function submitRun(request: RunRequest, ctx: { runs: RunStore; queues: PipelineQueues }): Promise<RunSpec> {
  const parsed = RunSpecSchema.safeParse({ ...request, id: request.id ?? newRunId() });
  if (!parsed.success) throw new InputError(`invalid run: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const run = parsed.data;
  if (/\.csv$/i.test(run.source)) splitFileUri(run.source);
  else parseStorageUri(run.source);
  parseStorageUri(run.out);
  if (!(await ctx.runs.create(run))) throw new InputError(`run ${run.id} exists already`);
  await ctx.queues.queue('run').add('run', { run: run.id }, { ...jobOptions('run'), jobId: run.id });
  return run;
}
