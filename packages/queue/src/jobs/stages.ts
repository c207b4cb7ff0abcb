import { WaitingChildrenError, type Job } from 'bullmq';
import { ModelsFailedError } from './retry-policy.js';
import { JOB_CATALOG, toJobFailure, type FusionPayload, type PreparePayload, type RunDefaults, type StageName } from './contract.js';
import { childrenByStage } from './children.js';
import type { PipelineQueues } from './queues.js';
import { redoStages, stagesToRedo } from './redo.js';
import { withDeadline } from './deadline.js';
import type { DoneRecords } from './done-records.js';
import type { ImageFlows } from './flows.js';
import type { FusionOutput, StageHandlers } from './handlers.js';
import { imageIdOf, prepareJobId } from './ids.js';
import type { RunStore } from './run-store.js';

/**
 * What each stage does around its handler: time limit, error mapping, de-duplication, the
 * image's flow and its accounting. The processors call exactly one of these.
 */

/** One attempt of a handler: under the stage's time limit, InputError made unrecoverable. */
export async function runStage<T>(stage: StageName, signal: AbortSignal | undefined, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  try {
    return await withDeadline(stage, JOB_CATALOG[stage].timeoutMs, signal, run);
  } catch (err) {
    throw toJobFailure(err);
  }
}

export interface PrepareContext {
  runs: RunStore;
  done: DoneRecords;
  flows: ImageFlows;
}

export interface PrepareResult {
  imageId: string;
  /** Already done with the same models and output: no flow added. */
  skipped: boolean;
}

/** Canonical image → content id → skipped if done, else the image's flow is added. */
export async function prepareImage(
  member: string,
  job: PreparePayload,
  prepare: StageHandlers['prepare'],
  ctx: PrepareContext,
  signal: AbortSignal | undefined,
  run?: RunDefaults,
): Promise<PrepareResult> {
  const prepared = await runStage('prepare', signal, (s) => prepare(job, s));
  const imageId = imageIdOf(job.source, prepared.identity, job.models, job.out);
  if (await ctx.done.has(imageId)) {
    await ctx.runs.finish(job.run, member, 'skipped');
    return { imageId, skipped: true };
  }
  await ctx.flows.add(imageId, job, prepared, run);
  await ctx.runs.assign(job.run, member, imageId);
  return { imageId, skipped: false };
}

export interface FusionContext {
  runs: RunStore;
  done: DoneRecords;
  /** Where a model stage is queued again when its job spent a storage outage's tries (redo.ts). */
  queues: PipelineQueues;
}

export interface FusionResult extends FusionOutput {
  /** Model stages that failed for good; fusion used the other one. */
  failedModels: number;
}

/**
 * Children's outputs → fusion handler → done-record and the run's count. A model stage whose job
 * failed for good through a storage outage is queued again first (the fusion job waits for it);
 * `token` is the fusion job's lock, which that wait needs.
 */
export async function fuseImage(
  job: Job,
  token: string | undefined,
  payload: FusionPayload,
  fuse: StageHandlers['fuse'],
  ctx: FusionContext,
  signal: AbortSignal | undefined,
): Promise<FusionResult> {
  const byStage = await childrenByStage(job);
  if (token !== undefined) {
    const redo = await stagesToRedo(byStage, ctx.queues);
    if (redo.length > 0) {
      await redoStages(job, payload, redo, byStage, ctx.queues);
      if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
      return fuseImage(job, undefined, payload, fuse, ctx, signal); // the redone jobs already finished
    }
  }
  const children = byStage.outcomes;
  if (children.foreground === undefined && children.instances === undefined) {
    throw new ModelsFailedError(`both models failed: ${children.failures.join('; ')}`);
  }
  const output = await runStage('fusion', signal, (s) => fuse(payload, children, s));
  await ctx.done.mark(String(job.id));
  await ctx.runs.finish(payload.run, prepareJobId(payload.run, payload.source), 'done');
  return { ...output, failedModels: children.failures.length };
}
