import { z } from 'zod';
import { envBool, envInt } from '@vertxnet/config';
import { DEFAULT_MAX_PIXELS } from '@vertxnet/imaging';
import { parseUriPolicy } from '@vertxnet/storage';
import { parseCorsOrigins } from './cors.js';
import { concurrencyEnv, jobLockEnv, modelRefEnv, s3Env, serviceEnv, storageProbeEnv } from '@vertxnet/queue';

/** A URI prefix list (see parseUriPolicy), validated at start. */
const uriPrefixList = (defaultValue: string, what: string) =>
  z
    .string()
    .superRefine((text, ctx) => {
      try {
        parseUriPolicy(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    })
    .default(defaultValue)
    .describe(what);

/** The ingest service's environment, read once at start. */
export const IngestEnv = z
  .object({
    ...serviceEnv,
    ...s3Env,
    ...jobLockEnv,
    ...storageProbeEnv,
    ...modelRefEnv,
    API_TOKEN: z
      .string()
      .trim()
      .min(16, 'must be at least 16 characters')
      .optional()
      .describe(
        'Bearer token that callers of the runs API (POST /runs, GET /runs/:id, GET and POST /runs/:id/marks) send (Authorization: Bearer …), from a Secret. This or API_TOKEN_FILE is required unless API_INSECURE_DEV=true.',
      ),
    API_TOKEN_FILE: z
      .string()
      .min(1)
      .optional()
      .describe('File holding the API token (a mounted Kubernetes Secret), read once at start; surrounding whitespace is ignored.'),
    API_INSECURE_DEV: envBool()
      .default(false)
      .describe(
        "true serves the runs API without a token when none is set. Local development only: whoever reaches the port can start runs that read and write storage with the service's credentials.",
      ),
    API_CORS_ORIGINS: z
      .string()
      .default('')
      .refine(
        (text) => [...parseCorsOrigins(text)].every((o) => o === 'null' || (URL.canParse(o) && new URL(o).origin === o)),
        'each origin is scheme://host[:port] (no path, no trailing slash) or null',
      )
      .describe(
        'Origins whose review pages may post marks to POST /runs/:id/marks from a browser, comma-separated (e.g. "https://review.example.org"); "null" admits pages opened from a file. Empty: no browser access (the token still guards every call).',
      ),
    ALLOWED_SOURCES: uriPrefixList(
      's3://',
      'URI prefixes runs may read images and manifests from, comma-separated (e.g. "s3://cohort-bucket/,s3://archive/xr"); "s3://" admits every bucket the credentials reach. Local paths only through file:// entries (off by default).',
    ),
    ALLOWED_OUTPUTS: uriPrefixList('s3://', 'URI prefixes runs may write results to, comma-separated, as ALLOWED_SOURCES.'),
    WORK_URI: z.string().min(1).default('./work').describe('Work store shared by all stages: where prepare writes canonical images.'),
    PREPARE_CONCURRENCY: concurrencyEnv(2, 'Prepare jobs (decode + canonical image)'),
    RUN_CONCURRENCY: concurrencyEnv(4, 'Runs listed and paced'),
    MAX_IMAGE_PIXELS: envInt(1, 200_000_000)
      .default(DEFAULT_MAX_PIXELS)
      .describe(
        'Images with more pixels are refused (they fail once). One prepare job peaks near 14 B per pixel and a fusion job near 24 B: raise it only with the ingest and fusion-worker memory limits (docs/DICOM.md).',
      ),
    MAX_PENDING: envInt(1, 1_000_000)
      .default(1_000)
      .describe('Images of one run in flight at most (queued, not yet done or failed); bounds Redis memory per run.'),
    LIST_BATCH: envInt(1, 10_000).default(200).describe('Listed images queued per Redis round trip.'),
    RECONCILE_AFTER_MS: envInt(1_000, 3_600_000)
      .default(30_000)
      .describe('A full backlog with no image finishing for this long is re-checked against the queues (lost counts).'),
  })
  .refine((env) => env.API_TOKEN !== undefined || env.API_TOKEN_FILE !== undefined || env.API_INSECURE_DEV, {
    message:
      'API_TOKEN or API_TOKEN_FILE is required: the runs API reads and writes storage for whoever calls it (for a local development setup only, API_INSECURE_DEV=true serves it without a token)',
    path: ['API_TOKEN'],
  })
  .refine((env) => env.API_TOKEN === undefined || env.API_TOKEN_FILE === undefined, {
    message: 'set API_TOKEN or API_TOKEN_FILE, not both: which one counts would be a guess',
    path: ['API_TOKEN_FILE'],
  })
  .refine((env) => env.LIST_BATCH <= env.MAX_PENDING, {
    message: 'LIST_BATCH must not exceed MAX_PENDING: a batch larger than the backlog could never be queued at once',
    path: ['LIST_BATCH'],
  });
export type IngestConfig = z.output<typeof IngestEnv>;
