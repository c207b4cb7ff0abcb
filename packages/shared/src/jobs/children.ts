import type { Job } from 'bullmq';
import { z } from 'zod';
import type { ChildOutcomes } from './handlers.js';

const UnetResult = z.object({ foreground: z.string().min(1) });
const MaskrcnnResult = z.object({ instances: z.string().min(1) });

/** The model stage a child job key ('<prefix>:<queue>:<imageId>-unet') belongs to. */
function stageOf(jobKey: string): 'unet' | 'maskrcnn' | undefined {
  if (jobKey.endsWith('-unet')) return 'unet';
  if (jobKey.endsWith('-maskrcnn')) return 'maskrcnn';
  return undefined;
}

/** Reads what the fusion job's children left: their output keys and the failures that were ignored. */
export async function childOutcomes(job: Job): Promise<ChildOutcomes> {
  const [values, ignored] = await Promise.all([job.getChildrenValues<unknown>(), job.getIgnoredChildrenFailures()]);
  const outcomes: ChildOutcomes = { failures: [] };
  for (const [key, value] of Object.entries(values)) {
    const stage = stageOf(key);
    if (stage === 'unet') {
      const parsed = UnetResult.safeParse(value);
      if (parsed.success) outcomes.foreground = parsed.data.foreground;
      else outcomes.failures.push('unet: returned no foreground key');
    } else if (stage === 'maskrcnn') {
      const parsed = MaskrcnnResult.safeParse(value);
      if (parsed.success) outcomes.instances = parsed.data.instances;
      else outcomes.failures.push('maskrcnn: returned no instances key');
    }
  }
  for (const [key, reason] of Object.entries(ignored)) {
    outcomes.failures.push(`${stageOf(key) ?? 'model'}: ${reason}`);
  }
  outcomes.failures.sort();
  return outcomes;
}
