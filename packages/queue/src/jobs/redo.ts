import { Job } from 'bullmq';
import { OUTAGE_ATTEMPTS, jobOptions, modelJobData, type FusionPayload } from './contract.js';
import type { ChildrenByStage, ModelStage } from './children.js';
import type { PipelineQueues } from './queues.js';

/** How many times fusion asks a model stage again after its job spent a storage outage's tries. */
export const MODEL_REDOS = 2;

/**
 * The model stages to run again before fusing: those whose latest job failed for good after
 * OUTAGE_ATTEMPTS tries. Only a storage outage lets a job try that often (any other fault ends
 * it after its catalog tries), so such a failure says nothing about the image or the model:
 * fusing without that model, or failing the image, would make an outage permanent.
 */
export async function stagesToRedo(children: ChildrenByStage, queues: PipelineQueues): Promise<ModelStage[]> {
  const stages: ModelStage[] = [];
  for (const [stage, ids] of Object.entries(children.failed) as Array<[ModelStage, string[]]>) {
    const latest = ids[ids.length - 1];
    if (latest === undefined || ids.length > MODEL_REDOS) continue;
    const job = await Job.fromId(queues.queue(stage), latest);
    if (job !== undefined && job.attemptsMade >= OUTAGE_ATTEMPTS) stages.push(stage);
  }
  return stages;
}

/** Adds a fresh job of each stage as a child of the (active) fusion job, which then waits for them. */
export async function redoStages(fusion: Job, payload: FusionPayload, stages: ModelStage[], children: ChildrenByStage, queues: PipelineQueues): Promise<void> {
  for (const stage of stages) {
    const redo = children.failed[stage]?.length ?? 1;
    await queues.queue(stage).add(stage, modelJobData({ run: payload.run, source: payload.source, image: payload.image, model: payload.models[stage] }), {
      ...jobOptions(stage),
      jobId: `${String(fusion.id)}-${stage}-r${redo}`,
      parent: { id: String(fusion.id), queue: fusion.queueQualifiedName },
      ignoreDependencyOnFailure: true,
    });
  }
}
