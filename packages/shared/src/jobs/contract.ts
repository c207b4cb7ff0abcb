import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { InputError, NotFoundError } from '../errors.js';
import { VIEWS } from '../levels.js';

/**
 * The job contract: every job the pipeline queues, its payload schema and its retry policy.
 * Payloads carry keys and names only (never pixels), so a pending image costs Redis well under
 * 3 KB across its flow. Workers parse at the boundary: an invalid payload is unrecoverable.
 */

/** Run ids, image ids and job ids: letters, digits, '-' and '_' (BullMQ forbids ':' in ids). */
export const RunIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'run id: 1–64 letters, digits, "-" or "_"');

/** "name@version", as in a model manifest. */
export const ModelRefSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]+@[A-Za-z0-9._+-]+$/, 'model reference must be "name@version"');
export type ModelRef = z.infer<typeof ModelRefSchema>;

export const ModelRefsSchema = z.object({ unet: ModelRefSchema, maskrcnn: ModelRefSchema });
export type ModelRefs = z.infer<typeof ModelRefsSchema>;

const UriSchema = z.string().min(1).max(2048);
/** A relative '/'-separated key (the storage layer checks it again before use). */
const KeySchema = z
  .string()
  .min(1)
  .max(1024)
  .refine((k) => !k.startsWith('/') && !k.split('/').some((s) => s === '' || s === '.' || s === '..'), {
    message: 'must be a relative key without empty, "." or ".." segments',
  });
const ViewSchema = z.enum(VIEWS);

/** The ingest job of a run: the paced producer reads everything else from the run record. */
export const RunJobPayloadSchema = z.object({ run: RunIdSchema });

/** Decode one source image into the canonical 8-bit PNG of the work store. */
export const PreparePayloadSchema = z.object({
  run: RunIdSchema,
  /** Full URI of the source object: 's3://bucket/key' or 'file:///…'. */
  source: UriSchema,
  /** Where this image's results go under `out`, e.g. 'study-1/img-0001' (no extension). */
  result: KeySchema,
  out: UriSchema,
  models: ModelRefsSchema,
  /** The source's ETag from the listing, when it gave one: the image's identity without hashing it. */
  etag: z.string().min(1).max(256).optional(),
  view: ViewSchema.optional(),
});

/** Run one model over the canonical image (the source is there for status to name a failed image). */
export const ModelPayloadSchema = z.object({
  run: RunIdSchema,
  source: UriSchema,
  /** Key of the canonical PNG in the work store. */
  image: KeySchema,
  model: ModelRefSchema,
});

/** Fuse both models' outputs, label and measure, write the results. */
export const FusionPayloadSchema = z.object({
  run: RunIdSchema,
  source: UriSchema,
  image: KeySchema,
  out: UriSchema,
  result: KeySchema,
  models: ModelRefsSchema,
  view: ViewSchema.optional(),
});

export type RunJobPayload = z.infer<typeof RunJobPayloadSchema>;
export type PreparePayload = z.infer<typeof PreparePayloadSchema>;
export type ModelPayload = z.infer<typeof ModelPayloadSchema>;
export type FusionPayload = z.infer<typeof FusionPayloadSchema>;

export interface JobSpec<S extends z.ZodType = z.ZodType> {
  /** Queue the job lives in (one queue per stage, so each stage scales on its own depth). */
  queue: string;
  schema: S;
  /** Tries in all, the first included. */
  attempts: number;
  /** First retry delay; doubles on each further retry. */
  backoffMs: number;
  /** Wall-clock limit of one attempt; 0 = none. An attempt over it is aborted and retried. */
  timeoutMs: number;
}

export const JOB_CATALOG = {
  run: { queue: 'ingest', schema: RunJobPayloadSchema, attempts: 10, backoffMs: 5_000, timeoutMs: 0 },
  prepare: { queue: 'prepare', schema: PreparePayloadSchema, attempts: 3, backoffMs: 2_000, timeoutMs: 120_000 },
  unet: { queue: 'unet', schema: ModelPayloadSchema, attempts: 3, backoffMs: 2_000, timeoutMs: 60_000 },
  maskrcnn: { queue: 'maskrcnn', schema: ModelPayloadSchema, attempts: 3, backoffMs: 2_000, timeoutMs: 120_000 },
  fusion: { queue: 'fusion', schema: FusionPayloadSchema, attempts: 3, backoffMs: 2_000, timeoutMs: 120_000 },
} as const satisfies Record<string, JobSpec>;

export type JobName = keyof typeof JOB_CATALOG;
export type JobPayload<N extends JobName> = z.infer<(typeof JOB_CATALOG)[N]['schema']>;
/** The four per-image stages (every job but the run's own ingest job). */
export type StageName = Exclude<JobName, 'run'>;
export const STAGES = ['prepare', 'unet', 'maskrcnn', 'fusion'] as const satisfies readonly StageName[];

/** The most recent failed jobs kept per queue, so `vertxnet status` can show why images failed. */
export const FAILED_KEPT = 10_000;

/** BullMQ options of one job of the catalog. Finished jobs are removed: done-records and run counters replace them. */
export function jobOptions(name: JobName): {
  attempts: number;
  backoff: { type: 'exponential'; delay: number };
  removeOnComplete: true;
  removeOnFail: number;
} {
  const spec = JOB_CATALOG[name];
  return {
    attempts: spec.attempts,
    backoff: { type: 'exponential', delay: spec.backoffMs },
    removeOnComplete: true,
    removeOnFail: FAILED_KEPT,
  };
}

/** Parses a job's data against its schema; an invalid payload will never get better, so it is unrecoverable. */
export function parsePayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  const parsed = JOB_CATALOG[name].schema.safeParse(data);
  if (!parsed.success) throw new UnrecoverableError(`invalid ${name} payload: ${z.prettifyError(parsed.error)}`);
  return parsed.data as JobPayload<N>;
}

/**
 * What a stage failure becomes in BullMQ: bad input (or a source that is not there) fails once,
 * with the same readable message; everything else is thrown as is and retried with backoff.
 */
export function toJobFailure(err: unknown): unknown {
  if (err instanceof InputError || err instanceof NotFoundError) return new UnrecoverableError(err.message);
  return err;
}
