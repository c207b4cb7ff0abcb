import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { InputError, VIEWS } from '@vertxnet/core';
import { ModelRefSchema, runStatus, sendJson, submitRun, type ModelRefs, type PipelineQueues, type RouteHandler, type RunStore } from '@vertxnet/queue';
import { isAuthorized, refuseUnauthorized, type ApiAuth } from './api-auth.js';
import { methodNotAllowed, readJsonBody } from './http-body.js';
import { checkRunUris, type RunUriPolicy } from './uri-guard.js';

const MAX_BODY_BYTES = 64 * 1024;

/** POST /runs body. Unknown fields are refused, so a misspelt option is not silently ignored. */
export const CreateRunBody = z
  .object({
    source: z.string().min(1, 'source is required (s3://bucket/prefix, a folder, or a manifest .csv)'),
    out: z.string().min(1, 'out is required (s3://bucket/prefix or a folder)'),
    view: z.enum(VIEWS).optional(),
    models: z.object({ unet: ModelRefSchema.optional(), maskrcnn: ModelRefSchema.optional() }).strict().optional(),
  })
  .strict();

export interface RunsApiSettings {
  defaultModels: ModelRefs;
  auth: ApiAuth;
  uris: RunUriPolicy;
}

/**
 * The runs API beside /metrics: `POST /runs` {source, out, view?, models?} → 202 {id};
 * `GET /runs/:id` → the run's state and counts (as `vertxnet status --json`). Both need the
 * bearer token (401 first, whatever the method); /metrics and the probes stay open.
 */
export function runsApi(ctx: { runs: RunStore; queues: PipelineQueues }, settings: RunsApiSettings): RouteHandler {
  return async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const match = /^\/runs\/([A-Za-z0-9_-]{1,64})$/.exec(path);
    if ((path === '/runs' || match) && !isAuthorized(req, settings.auth)) {
      refuseUnauthorized(req, res);
      return true;
    }
    if (path === '/runs') {
      if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
      await createRun(req, res, ctx, settings);
      return true;
    }
    if (match) {
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      const status = await runStatus(match[1] as string, ctx);
      if (status === undefined) sendJson(res, 404, { error: `no run ${match[1]}` });
      else sendJson(res, 200, status);
      return true;
    }
    return false;
  };
}

async function createRun(req: IncomingMessage, res: ServerResponse, ctx: { runs: RunStore; queues: PipelineQueues }, settings: RunsApiSettings): Promise<void> {
  const read = await readJsonBody(req, res, MAX_BODY_BYTES);
  if (!read) return;
  const parsed = CreateRunBody.safeParse(read.body);
  if (!parsed.success) {
    sendJson(res, 400, { error: z.prettifyError(parsed.error) });
    return;
  }
  const { models, ...rest } = parsed.data;
  try {
    checkRunUris(rest, settings.uris);
    const run = await submitRun({ ...rest, models: { ...settings.defaultModels, ...models } }, ctx);
    sendJson(res, 202, { id: run.id, status: `/runs/${run.id}` });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    sendJson(res, 400, { error: err.message });
  }
}
