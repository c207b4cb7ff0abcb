import type { FlowJob } from 'bullmq';
import { TransientError } from '@vertxnet/core';
import { JOB_CATALOG, fusionJobData, jobOptions, modelJobData, type PreparePayload, type RunDefaults } from './contract.js';
import type { PrepareOutput } from './handlers.js';
import { flowJobIds } from './ids.js';
import type { PipelineQueues } from './queues.js';

/**
 * One image's flow: fusion (parent) waits for the U-Net and Mask R-CNN jobs (children). Their data
 * is stored lean (see PrepareJobSchema): `run` tells what the run record already holds.
 *
 * Failed-child policy, chosen on purpose: the children carry `ignoreDependencyOnFailure`. A child
 * that fails for good (bad output, retries spent) is moved to the parent's ignored failures and
 * fusion runs as soon as no child is pending, with the surviving model's output; it reads the
 * failure (getIgnoredChildrenFailures) and raises a QC flag. The alternatives were worse for a
 * cohort: the default leaves the parent waiting forever, `failParentOnFailure` throws away the
 * other model's work, and `continueParentOnFailure` starts fusion while the sibling still runs.
 */
export function imageFlow(imageId: string, job: PreparePayload, prepared: PrepareOutput, run: RunDefaults = { out: job.out, models: job.models }): FlowJob {
  const ids = flowJobIds(imageId);
  const view = job.view ?? prepared.view;
  const child = (name: 'unet' | 'maskrcnn'): FlowJob => ({
    name,
    queueName: JOB_CATALOG[name].queue,
    data: modelJobData({ run: job.run, source: job.source, image: prepared.image, model: job.models[name] }),
    opts: { ...jobOptions(name), jobId: ids[name], ignoreDependencyOnFailure: true },
  });
  const data = fusionJobData(
    { run: job.run, source: job.source, image: prepared.image, out: job.out, result: job.result, models: job.models, ...(view ? { view } : {}) },
    run,
  );
  return {
    name: 'fusion',
    queueName: JOB_CATALOG.fusion.queue,
    data,
    opts: { ...jobOptions('fusion'), jobId: ids.fusion },
    children: [child('unet'), child('maskrcnn')],
  };
}

/** Adds image flows, replacing a finished earlier flow of the same image (e.g. one that failed before). */
export class ImageFlows {
  constructor(private readonly queues: PipelineQueues) {}

  async add(imageId: string, job: PreparePayload, prepared: PrepareOutput, run?: RunDefaults): Promise<void> {
    if ((await this.clearFinished(imageId, job.run)) === 'running') return;
    await this.queues.flows.add(imageFlow(imageId, job, prepared, run));
  }

  /**
   * A flow of the same id still running belongs to another run over the same image: retry later
   * (by then it is done and this image is skipped); or to this run, when its prepare job runs a
   * second time (its worker died after adding the flow): then there is nothing to add. A failed
   * one is removed so it runs again.
   */
  private async clearFinished(imageId: string, run: string): Promise<'running' | 'cleared'> {
    const ids = flowJobIds(imageId);
    // Parent first: removing it removes its children too, so they are looked up after.
    for (const name of ['fusion', 'unet', 'maskrcnn'] as const) {
      const existing = await this.queues.queue(name).getJob(ids[name]);
      if (existing === undefined) continue;
      const state = await existing.getState();
      if (state !== 'failed' && state !== 'completed' && state !== 'unknown') {
        if (name === 'fusion' && existing.data?.r === run) return 'running';
        throw new TransientError(`image ${imageId} is already being processed by run ${String(existing.data?.r)}`);
      }
      if (state !== 'unknown') await existing.remove();
    }
    return 'cleared';
  }
}
