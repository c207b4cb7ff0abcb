import type { Job, Processor } from 'bullmq';
import { fusionPayload, modelPayload, parsePayload, preparePayload, toJobFailure, unrecoverable, type RunDefaults, type StageName } from './contract.js';
import type { RunStore } from './run-store.js';
import type { StageHandlersFor } from './handlers.js';
import { fuseImage, prepareImage, runStage, type FusionContext, type PrepareContext } from './stages.js';

/**
 * The BullMQ processors: parse the stored job, make it its handler's payload (with the run's
 * defaults where the job leaves them out), call one stage function, return. The map is typed
 * over every stage, so a stage without a binding does not compile.
 */
export interface StageContexts {
  prepare: PrepareContext;
  unet: undefined;
  maskrcnn: undefined;
  fusion: FusionContext;
}

type Binding<S extends StageName> = (handlers: StageHandlersFor<S>, ctx: StageContexts[S]) => Processor;

const BINDINGS: { [S in StageName]: Binding<S> } = {
  prepare: (handlers, ctx) => async (job: Job, _token?: string, signal?: AbortSignal) => {
    const data = parsePayload('prepare', job.data);
    if (data.x !== undefined) throw unrecoverable(data.x);
    const run = await runDefaults(ctx.runs, data.r);
    return prepareImage(String(job.id), preparePayload(data, run), handlers.prepare, ctx, signal, run);
  },
  unet: (handlers) => async (job: Job, _token?: string, signal?: AbortSignal) => {
    const payload = modelPayload(parsePayload('unet', job.data));
    return runStage('unet', signal, (s) => handlers.unet(payload, s));
  },
  maskrcnn: (handlers) => async (job: Job, _token?: string, signal?: AbortSignal) => {
    const payload = modelPayload(parsePayload('maskrcnn', job.data));
    return runStage('maskrcnn', signal, (s) => handlers.maskrcnn(payload, s));
  },
  fusion: (handlers, ctx) => async (job: Job, token?: string, signal?: AbortSignal) => {
    const data = parsePayload('fusion', job.data);
    return fuseImage(job, token, fusionPayload(data, await runDefaults(ctx.runs, data.r)), handlers.fuse, ctx, signal);
  },
};

/** The run's defaults for a stored job; a run that is gone fails its jobs once (unrecoverable). */
async function runDefaults(runs: RunStore, id: string): Promise<RunDefaults> {
  try {
    return await runs.defaults(id);
  } catch (err) {
    throw toJobFailure(err);
  }
}

/** The processor of one stage, bound to its handler (and the state it updates). */
export function stageProcessor<S extends StageName>(stage: S, handlers: StageHandlersFor<S>, ctx: StageContexts[S]): Processor {
  return (BINDINGS[stage] as Binding<S>)(handlers, ctx);
}
