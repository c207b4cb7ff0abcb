import type { Job, Processor } from 'bullmq';
import { parsePayload, type StageName } from './contract.js';
import type { StageHandlersFor } from './handlers.js';
import { fuseImage, prepareImage, runStage, type FusionContext, type PrepareContext } from './stages.js';

/**
 * The BullMQ processors: parse the payload, call one stage function, return. The map is typed
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
  prepare: (handlers, ctx) => async (job: Job, _token?: string, signal?: AbortSignal) =>
    prepareImage(String(job.id), parsePayload('prepare', job.data), handlers.prepare, ctx, signal),
  unet: (handlers) => async (job: Job, _token?: string, signal?: AbortSignal) => {
    const payload = parsePayload('unet', job.data);
    return runStage('unet', signal, (s) => handlers.unet(payload, s));
  },
  maskrcnn: (handlers) => async (job: Job, _token?: string, signal?: AbortSignal) => {
    const payload = parsePayload('maskrcnn', job.data);
    return runStage('maskrcnn', signal, (s) => handlers.maskrcnn(payload, s));
  },
  fusion: (handlers, ctx) => async (job: Job, _token?: string, signal?: AbortSignal) =>
    fuseImage(job, parsePayload('fusion', job.data), handlers.fuse, ctx, signal),
};

/** The processor of one stage, bound to its handler (and the state it updates). */
export function stageProcessor<S extends StageName>(stage: S, handlers: StageHandlersFor<S>, ctx: StageContexts[S]): Processor {
  return (BINDINGS[stage] as Binding<S>)(handlers, ctx);
}
