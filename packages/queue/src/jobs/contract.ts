import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { InputError, NotFoundError, VIEWS, type View } from '@vertxnet/core';

/**
 * The job contract: every job the pipeline queues, its payload schema and its retry policy.
 * Payloads carry keys and names only (never pixels); what is stored in Redis is shorter still (see
 * PrepareJobSchema below). Workers parse at the boundary: an invalid job is unrecoverable.
 */

/** Run ids, image ids and job ids: letters, digits, '-' and '_' (BullMQ forbids ':' in ids). */
export const RunIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'run id: 1–64 letters, digits, "-" or "_"');

/** "name@version", as in a model manifest. */
export const ModelRefSchema = z.string().regex(/^[A-Za-z0-9._-]+@[A-Za-z0-9._+-]+$/, 'model reference must be "name@version"');
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

/*
 * What the per-image jobs store in Redis. A run holds up to MAX_PENDING images in flight, each a
 * prepare job or a flow of three jobs, so every byte of job data counts MAX_PENDING to 3×MAX_PENDING
 * times: one-letter field names, and nothing the run record already holds (out URI, models, the
 * run's view), which the stage binding reads from the run record (cached) and puts back before the
 * handler sees the payload above. The source URI stays: status names failed images by it.
 */

/**
 * Stored prepare job: r = run, s = source URI, n = result name, e = ETag, v = view of this image,
 * x = why the listing rejected this item (it then fails at once with that reason).
 */
export const PrepareJobSchema = z.object({
  r: RunIdSchema,
  s: UriSchema,
  n: KeySchema,
  e: z.string().min(1).max(256).optional(),
  v: ViewSchema.optional(),
  x: z.string().min(1).max(2048).optional(),
});

/** Stored model job: r = run, s = source URI, i = canonical image key, m = model reference. */
export const ModelJobSchema = z.object({ r: RunIdSchema, s: UriSchema, i: KeySchema, m: ModelRefSchema });

/** Stored fusion job: r = run, s = source URI, i = canonical image key, n = result name, v = view when not the run's. */
export const FusionJobSchema = z.object({ r: RunIdSchema, s: UriSchema, i: KeySchema, n: KeySchema, v: ViewSchema.optional() });

export type PrepareJob = z.infer<typeof PrepareJobSchema>;
export type ModelJob = z.infer<typeof ModelJobSchema>;
export type FusionJob = z.infer<typeof FusionJobSchema>;

/** What a stored job needs from its run record to become its handler's payload. */
export interface RunDefaults {
  out: string;
  models: ModelRefs;
  view?: View | undefined;
}

export function prepareJobData(p: PreparePayload, run: RunDefaults): PrepareJob {
  return { r: p.run, s: p.source, n: p.result, ...(p.etag ? { e: p.etag } : {}), ...(p.view && p.view !== run.view ? { v: p.view } : {}) };
}

/**
 * The prepare job of an item the listing rejected (a bad manifest row): it carries the reason, and
 * the row's result name where that is a usable key (status, run.json and summary.csv name the row by it).
 */
export function rejectedJobData(run: string, source: string, result: string, reason: string): PrepareJob {
  return { r: run, s: source, n: KeySchema.safeParse(result).success ? result : 'rejected', x: reason.slice(0, 2048) };
}

export function preparePayload(j: PrepareJob, run: RunDefaults): PreparePayload {
  const view = j.v ?? run.view;
  return { run: j.r, source: j.s, result: j.n, out: run.out, models: run.models, ...(j.e ? { etag: j.e } : {}), ...(view ? { view } : {}) };
}

export function modelJobData(p: ModelPayload): ModelJob {
  return { r: p.run, s: p.source, i: p.image, m: p.model };
}

export function modelPayload(j: ModelJob): ModelPayload {
  return { run: j.r, source: j.s, image: j.i, model: j.m };
}

export function fusionJobData(p: FusionPayload, run: RunDefaults): FusionJob {
  return { r: p.run, s: p.source, i: p.image, n: p.result, ...(p.view && p.view !== run.view ? { v: p.view } : {}) };
}

export function fusionPayload(j: FusionJob, run: RunDefaults): FusionPayload {
  const view = j.v ?? run.view;
  return { run: j.r, source: j.s, image: j.i, out: run.out, result: j.n, models: run.models, ...(view ? { view } : {}) };
}

export interface JobSpec<S extends z.ZodType = z.ZodType> {
  /** Queue the job lives in (one queue per stage, so each stage scales on its own depth). */
  queue: string;
  /** The job's data as stored in Redis. */
  schema: S;
  /** Tries in all, the first included, for faults other than a storage outage (see STORAGE_RETRY). */
  attempts: number;
  /** First retry delay; doubles on each further retry. */
  backoffMs: number;
  /** Wall-clock limit of one attempt; 0 = none. An attempt over it is aborted and retried. */
  timeoutMs: number;
}

export const JOB_CATALOG = {
  run: { queue: 'ingest', schema: RunJobPayloadSchema, attempts: 10, backoffMs: 5_000, timeoutMs: 0 },
  prepare: { queue: 'prepare', schema: PrepareJobSchema, attempts: 3, backoffMs: 2_000, timeoutMs: 120_000 },
  unet: { queue: 'unet', schema: ModelJobSchema, attempts: 3, backoffMs: 2_000, timeoutMs: 60_000 },
  maskrcnn: { queue: 'maskrcnn', schema: ModelJobSchema, attempts: 3, backoffMs: 2_000, timeoutMs: 120_000 },
  fusion: { queue: 'fusion', schema: FusionJobSchema, attempts: 3, backoffMs: 2_000, timeoutMs: 120_000 },
} as const satisfies Record<string, JobSpec>;

export type JobName = keyof typeof JOB_CATALOG;
/** A job's data as stored in Redis (the stage handlers get the payloads above). */
export type JobData<N extends JobName> = z.infer<(typeof JOB_CATALOG)[N]['schema']>;
/** The four per-image stages (every job but the run's own ingest job). */
export type StageName = Exclude<JobName, 'run'>;
export const STAGES = ['prepare', 'unet', 'maskrcnn', 'fusion'] as const satisfies readonly StageName[];

/**
 * The most recent failed jobs kept per queue, so `vertxnet status` and run.json can say why images
 * failed. A worker option (BullMQ's removeOnFail), not a job option: job records stay shorter.
 */
export const FAILED_KEPT = 10_000;

/**
 * BullMQ options of one job of the catalog: tries and backoff only. What happens to finished jobs
 * is the workers' option (JobWorker: completed jobs removed, done-records and run counters replace
 * them; the last FAILED_KEPT failed ones kept), so it is not repeated in every stored job. The
 * tries stored are those a storage outage may use; the workers' backoff strategy (retryDelay in
 * retry-policy.ts) ends the job after `attempts` tries for any other fault.
 */
export function jobOptions(name: JobName): { attempts: number; backoff: { type: 'vertxnet'; delay: number } } {
  const spec = JOB_CATALOG[name];
  return { attempts: Math.max(spec.attempts, OUTAGE_ATTEMPTS), backoff: { type: 'vertxnet', delay: spec.backoffMs } };
}

/** Tries a job gets while storage is unavailable (STORAGE_RETRY in retry-policy.ts); stored as its BullMQ attempts. */
export const OUTAGE_ATTEMPTS = 12;

/** Parses a job's stored data against its schema; an invalid one will never get better, so it is unrecoverable. */
export function parsePayload<N extends JobName>(name: N, data: unknown): JobData<N> {
  const parsed = JOB_CATALOG[name].schema.safeParse(data);
  if (!parsed.success) throw unrecoverable(`invalid ${name} payload: ${z.prettifyError(parsed.error)}`);
  return parsed.data as JobData<N>;
}

/**
 * An UnrecoverableError whose stack is its message alone: BullMQ stores the stack with every failed
 * job it keeps, and the frames of a bad input say nothing the reason does not.
 */
export function unrecoverable(message: string): UnrecoverableError {
  const err = new UnrecoverableError(message);
  err.stack = `${err.name}: ${message}`;
  return err;
}

/**
 * What a stage failure becomes in BullMQ: bad input (or a source that is not there) fails once,
 * with the same readable message; everything else is thrown as is and retried with backoff.
 */
export function toJobFailure(err: unknown): unknown {
  if (err instanceof InputError || err instanceof NotFoundError) return unrecoverable(err.message);
  return err;
}
