import type { Job } from 'bullmq';
import { z } from 'zod';
import type { ChildOutcomes } from './handlers.js';

const UnetResult = z.object({ foreground: z.string().min(1) });
const MaskrcnnResult = z.object({ instances: z.string().min(1) });

export type ModelStage = 'unet' | 'maskrcnn';

/**
 * The model stage of a child job key ('<prefix>:<queue>:<imageId>-unet', or '…-unet-r1' for a
 * stage fusion asked again, see redo.ts).
 */
export function stageOf(jobKey: string): ModelStage | undefined {
  return /-(unet|maskrcnn)(-r\d+)?$/.exec(jobKey)?.[1] as ModelStage | undefined;
}

/** A child's job id from its key (BullMQ ids hold no ':'). */
export function jobIdOf(jobKey: string): string {
  return jobKey.slice(jobKey.lastIndexOf(':') + 1);
}

/** What each model stage's children left: the output key of one that succeeded, else why the latest one failed. */
export interface ChildrenByStage {
  outcomes: ChildOutcomes;
  /** Per stage without an output: its failed children's job ids, oldest first. */
  failed: Partial<Record<ModelStage, string[]>>;
}

/** Reads what the fusion job's children left: their output keys and the failures that were ignored. */
export async function childrenByStage(job: Job): Promise<ChildrenByStage> {
  const [values, ignored] = await Promise.all([job.getChildrenValues<unknown>(), job.getIgnoredChildrenFailures()]);
  const outcomes: ChildOutcomes = { failures: [] };
  const failures: Partial<Record<ModelStage, string[]>> = {};
  for (const [key, value] of Object.entries(values)) {
    const stage = stageOf(key);
    if (stage === 'unet') {
      const parsed = UnetResult.safeParse(value);
      if (parsed.success) outcomes.foreground = parsed.data.foreground;
      else failures.unet = [...(failures.unet ?? []), 'unet: returned no foreground key'];
    } else if (stage === 'maskrcnn') {
      const parsed = MaskrcnnResult.safeParse(value);
      if (parsed.success) outcomes.instances = parsed.data.instances;
      else failures.maskrcnn = [...(failures.maskrcnn ?? []), 'maskrcnn: returned no instances key'];
    }
  }
  const failed: Partial<Record<ModelStage, string[]>> = {};
  // Oldest first: a redo's id sorts after its original ('…-unet' < '…-unet-r1' < '…-unet-r2').
  for (const key of Object.keys(ignored).sort()) {
    const stage = stageOf(key);
    if (stage === undefined) {
      outcomes.failures.push(`model: ${ignored[key]}`);
      continue;
    }
    failed[stage] = [...(failed[stage] ?? []), jobIdOf(key)];
    failures[stage] = [...(failures[stage] ?? []), `${stage}: ${ignored[key]}`];
  }
  // A stage that got its output in the end (a redo succeeded) has no failure to report.
  if (outcomes.foreground !== undefined) delete failed.unet;
  else outcomes.failures.push(...(failures.unet ?? []).slice(-1));
  if (outcomes.instances !== undefined) delete failed.maskrcnn;
  else outcomes.failures.push(...(failures.maskrcnn ?? []).slice(-1));
  outcomes.failures.sort();
  return { outcomes, failed };
}
