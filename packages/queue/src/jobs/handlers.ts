import type { View } from '@vertxnet/core';
import type { FusionPayload, ModelPayload, PreparePayload, StageName } from './contract.js';

/**
 * The stage handlers the queue bindings call. They are plain async functions over storage keys
 * (packages/pipeline builds them); they never see BullMQ. Each honours `signal` (shutdown or
 * timeout) and throws InputError for input that can never succeed.
 */

export interface PrepareOutput {
  /** Key of the canonical 8-bit PNG in the work store. */
  image: string;
  width: number;
  height: number;
  /** The view, where the source says (DICOM tags); the payload's view wins when both exist. */
  view?: View;
  /**
   * The source's identity: etagIdentity(job.etag) where the listing gave an ETag, else
   * 'sha256:<hex of its bytes>'. The producer computes the ETag form itself to skip finished
   * images before they are decoded, so the two must agree.
   */
  identity: string;
}

/** What fusion learns about its two children: each output key, or why that model failed. */
export interface ChildOutcomes {
  foreground?: string;
  instances?: string;
  /** Readable reasons of the children that failed for good, e.g. "unet: model output has the wrong shape". */
  failures: string[];
}

export interface FusionOutput {
  /** Key (under the run's out URI) of the result JSON. */
  result: string;
  /** A small summary (counts, QC flags); no patient data. */
  summary: Record<string, unknown>;
}

export interface StageHandlers {
  prepare(job: PreparePayload, signal: AbortSignal): Promise<PrepareOutput>;
  unet(job: ModelPayload, signal: AbortSignal): Promise<{ foreground: string }>;
  maskrcnn(job: ModelPayload, signal: AbortSignal): Promise<{ instances: string }>;
  fuse(job: FusionPayload, children: ChildOutcomes, signal: AbortSignal): Promise<FusionOutput>;
}

/** The handler each stage calls. */
export const STAGE_HANDLER = {
  prepare: 'prepare',
  unet: 'unet',
  maskrcnn: 'maskrcnn',
  fusion: 'fuse',
} as const satisfies Record<StageName, keyof StageHandlers>;

/** The handlers one service needs, e.g. StageHandlersFor<'unet'> = { unet(...) }. */
export type StageHandlersFor<S extends StageName> = Pick<StageHandlers, (typeof STAGE_HANDLER)[S]>;
