import { isIP } from 'node:net';
import { z } from 'zod';
import type { S3ClientOptions } from '@vertxnet/storage';
import { QUEUE_EVENTS_MAX_LEN } from '../jobs/queues.js';
import { LOG_LEVELS, envBool, envInt, envUrl, parseEnv } from '@vertxnet/config';

/** Variables every queue-backed service reads. Spread into a service's own z.object({...}). */
export const serviceEnv = {
  REDIS_URL: envUrl(['redis', 'rediss']).default('redis://127.0.0.1:6379').describe('Redis that carries the BullMQ queues (job records only, never pixels).'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'may only contain letters, digits, "_", "." and "-"')
    .default('vertxnet')
    .describe('Prefix of every BullMQ key; runs with different prefixes never see each other.'),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })
    .default('info')
    .describe('Lowest level written to the JSON log on stdout.'),
  HTTP_HOST: z
    .string()
    .trim()
    .refine((v) => isIP(v) !== 0 || /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(v), 'must be an IP address or a host name')
    .default('127.0.0.1')
    .describe(
      'Address the HTTP server binds. The default answers this machine only; containers and pods set 0.0.0.0 so that probes, Prometheus and (ingest) API clients reach it.',
    ),
  HTTP_PORT: envInt(0, 65535).default(8080).describe('Port of the HTTP server for /metrics, /healthz and /readyz (0 picks a free port).'),
  SHUTDOWN_TIMEOUT_MS: envInt(0, 3_600_000)
    .default(25_000)
    .describe('On SIGTERM, how long active jobs may run before they are handed back; keep it under the pod grace period.'),
  QUEUE_EVENTS_MAX_LEN: envInt(0, 1_000_000)
    .default(QUEUE_EVENTS_MAX_LEN)
    .describe(
      "Events kept in each queue's BullMQ event stream (about 100 B each; BullMQ's default is 10,000). Nothing in the pipeline reads them; raise it for QueueEvents-based tools. Give every service and the CLI the same value.",
    ),
};

/**
 * QUEUE_EVENTS_MAX_LEN as the services read it, for a process that opens the queues without a
 * service environment (the CLI): opening a queue writes this value into the queue's metadata.
 */
export function queueEventsMaxLen(env: Record<string, string | undefined> = process.env): number {
  return parseEnv(z.object({ QUEUE_EVENTS_MAX_LEN: serviceEnv.QUEUE_EVENTS_MAX_LEN }), env, 'vertxnet').QUEUE_EVENTS_MAX_LEN;
}

/** Variables of a service that reads or writes S3-compatible storage. */
export const s3Env = {
  S3_ENDPOINT: envUrl(['http', 'https'])
    .optional()
    .describe('S3-compatible endpoint (MinIO, Ceph...); unset means AWS. Credentials come from the AWS SDK chain.'),
  S3_REGION: z.string().min(1).default('us-east-1').describe('S3 region.'),
  S3_FORCE_PATH_STYLE: envBool().optional().describe('Path-style bucket addressing (true/false); defaults to true when S3_ENDPOINT is set, as MinIO needs.'),
};

/** The S3 client options an env parsed with `s3Env` asks for. */
export function s3OptionsFromEnv(env: { S3_ENDPOINT?: string | undefined; S3_REGION: string; S3_FORCE_PATH_STYLE?: boolean | undefined }): S3ClientOptions {
  return {
    region: env.S3_REGION,
    ...(env.S3_ENDPOINT !== undefined ? { endpoint: env.S3_ENDPOINT } : {}),
    ...(env.S3_FORCE_PATH_STYLE !== undefined ? { forcePathStyle: env.S3_FORCE_PATH_STYLE } : {}),
  };
}
