import type { Processor } from 'bullmq';
import { UriNotAllowedError, basename } from '@vertxnet/core';
import { parseUriPolicy, uriRefusal, type UriPolicy } from '@vertxnet/storage';
import { parsePayload, toJobFailure, type RunStore, type StageHandlersFor } from '@vertxnet/queue';
import type { IngestConfig } from './env.js';

/** Where runs may read (ALLOWED_SOURCES) and write (ALLOWED_OUTPUTS). */
export interface RunUriPolicy {
  sources: UriPolicy;
  outputs: UriPolicy;
}

export function runUriPolicy(config: Pick<IngestConfig, 'ALLOWED_SOURCES' | 'ALLOWED_OUTPUTS'>): RunUriPolicy {
  return { sources: parseUriPolicy(config.ALLOWED_SOURCES), outputs: parseUriPolicy(config.ALLOWED_OUTPUTS) };
}

/** Throws UriNotAllowedError naming the run's source or out URI (the caller's own words) and why. */
export function checkRunUris(run: { source: string; out: string }, policy: RunUriPolicy): void {
  const source = uriRefusal(run.source, policy.sources, 'ALLOWED_SOURCES');
  if (source !== undefined) throw new UriNotAllowedError(`source ${JSON.stringify(run.source)}: ${source}`);
  const out = uriRefusal(run.out, policy.outputs, 'ALLOWED_OUTPUTS');
  if (out !== undefined) throw new UriNotAllowedError(`out ${JSON.stringify(run.out)}: ${out}`);
}

/**
 * The run job, refused before listing when its run names a URI outside the policy: runs written
 * straight to Redis (`vertxnet submit` without --api) never passed the API's check.
 */
export function guardRunProcessor(processor: Processor, runs: RunStore, policy: RunUriPolicy): Processor {
  return async (job, token, signal) => {
    const record = await runs.get(parsePayload('run', job.data).run);
    if (record !== undefined) {
      try {
        checkRunUris(record, policy);
      } catch (err) {
        throw toJobFailure(err);
      }
    }
    return processor(job, token, signal);
  };
}

/**
 * Prepare, refusing an image whose URI is outside ALLOWED_SOURCES: a manifest row may name any
 * URI or local file. The image fails alone, named by its file name only (job records hold no paths).
 */
export function guardPrepare(handlers: StageHandlersFor<'prepare'>, policy: RunUriPolicy): StageHandlersFor<'prepare'> {
  return {
    prepare: async (job, signal) => {
      const source = uriRefusal(job.source, policy.sources, 'ALLOWED_SOURCES');
      if (source !== undefined) throw new UriNotAllowedError(`${basename(job.source)}: ${source}`);
      const out = uriRefusal(job.out, policy.outputs, 'ALLOWED_OUTPUTS');
      if (out !== undefined) throw new UriNotAllowedError(`out: ${out}`);
      return handlers.prepare(job, signal);
    },
  };
}
