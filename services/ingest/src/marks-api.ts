import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { mergeReviewMarks, REVIEW_MARKS_FILE, ReviewMarksSchema, type ReviewMarks } from '@vertxnet/core';
import type { Logger } from '@vertxnet/config';
import { sendJson, type RouteHandler, type ServiceContext } from '@vertxnet/queue';
import { openStorage, type S3ClientOptions, type Storage } from '@vertxnet/storage';
import { isAuthorized, refuseUnauthorized, type ApiAuth } from './api-auth.js';
import { corsHeaders, type CorsPolicy } from './cors.js';
import { methodNotAllowed, readJsonBody } from './http-body.js';

/** A whole run's marks: 100,000 images at about 90 bytes each. */
const MAX_MARKS_BYTES = 16 * 1024 * 1024;
const LOCK_MS = 15_000;
const LOCK_WAIT_MS = 10_000;

export type MarksApiContext = Pick<ServiceContext, 'runs' | 'redis' | 'keys'>;

export interface MarksApiSettings {
  auth: ApiAuth;
  cors: CorsPolicy;
  s3: S3ClientOptions;
  logger: Logger;
}

/**
 * The review page's marks, stored with the run (RUN_OUT/review-marks.json):
 * `POST /runs/:id/marks` {run, marks: [{image, mark, time}]} merges them in (per image, the later
 * mark wins) → 200 {run, marks, stored}; `GET /runs/:id/marks` → the stored file. The page is
 * opened from a file or a static website, so both answer CORS for API_CORS_ORIGINS; the preflight
 * needs no token, everything else does.
 */
export function marksApi(ctx: MarksApiContext, settings: MarksApiSettings): RouteHandler {
  return async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const id = /^\/runs\/([A-Za-z0-9_-]{1,64})\/marks$/.exec(path)?.[1];
    if (id === undefined) return false;
    for (const [name, value] of Object.entries(corsHeaders(req, settings.cors))) res.setHeader(name, value);
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return true;
    }
    if (!isAuthorized(req, settings.auth)) {
      refuseUnauthorized(req, res);
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'POST') return methodNotAllowed(res, 'GET, POST, OPTIONS');
    const run = await ctx.runs.get(id);
    if (run === undefined) {
      sendJson(res, 404, { error: `no run ${id}` });
      return true;
    }
    const storage = openStorage(run.out, settings.s3);
    if (req.method === 'GET') {
      const stored = await readStored(storage, settings.logger);
      if (stored === undefined) sendJson(res, 404, { error: `no marks were posted for run ${id}` });
      else sendJson(res, 200, stored);
      return true;
    }
    await postMarks(req, res, { id, storage, ctx, logger: settings.logger });
    return true;
  };
}

/** The stored marks; undefined when none were posted, or when the file there is not a marks file (a post then replaces it). */
async function readStored(storage: Storage, logger: Logger): Promise<ReviewMarks | undefined> {
  if (!(await storage.exists(REVIEW_MARKS_FILE))) return undefined;
  let parsed;
  try {
    parsed = ReviewMarksSchema.safeParse(JSON.parse((await storage.get(REVIEW_MARKS_FILE)).toString('utf8')));
  } catch {
    parsed = undefined;
  }
  if (parsed?.success) return parsed.data;
  logger.warn({ file: storage.uriOf(REVIEW_MARKS_FILE) }, 'the stored review marks are not a marks file: a post replaces them');
  return undefined;
}

async function postMarks(
  req: IncomingMessage,
  res: ServerResponse,
  job: { id: string; storage: Storage; ctx: MarksApiContext; logger: Logger },
): Promise<void> {
  const read = await readJsonBody(req, res, MAX_MARKS_BYTES);
  if (!read) return;
  const parsed = ReviewMarksSchema.safeParse(read.body);
  if (!parsed.success) {
    sendJson(res, 400, { error: `not a review marks file as the review page saves it: ${z.prettifyError(parsed.error)}` });
    return;
  }
  if (parsed.data.run !== job.id) {
    sendJson(res, 409, { error: `these marks are of run ${parsed.data.run}, not of run ${job.id}` });
    return;
  }
  const stored = await withLock(job.ctx, job.id, async () => {
    const before = await readStored(job.storage, job.logger);
    const marks = mergeReviewMarks(before?.marks ?? [], parsed.data.marks);
    const file: ReviewMarks = {
      run: job.id,
      ...(parsed.data.source !== undefined ? { source: parsed.data.source } : {}),
      savedAt: new Date().toISOString(),
      marks,
    };
    await job.storage.put(REVIEW_MARKS_FILE, Buffer.from(`${JSON.stringify(file, null, 2)}\n`), { contentType: 'application/json' });
    return file;
  });
  if (stored === undefined) {
    sendJson(res, 503, { error: `another post of run ${job.id}'s marks is still being stored; post again` });
    return;
  }
  const wrong = stored.marks.filter((m) => m.mark === 'wrong').length;
  job.logger.info({ run: job.id, posted: parsed.data.marks.length, marks: stored.marks.length, wrong }, 'review marks stored');
  sendJson(res, 200, { run: job.id, posted: parsed.data.marks.length, marks: stored.marks.length, wrong, stored: job.storage.uriOf(REVIEW_MARKS_FILE) });
}

/** Runs `work` holding the run's marks lock (so two posts, on any replica, do not lose each other's marks); undefined when it stays taken. */
async function withLock<T>(ctx: MarksApiContext, id: string, work: () => Promise<T>): Promise<T | undefined> {
  const key = ctx.keys.marksLock(id);
  const token = randomUUID();
  const deadline = Date.now() + LOCK_WAIT_MS;
  while ((await ctx.redis.set(key, token, 'PX', LOCK_MS, 'NX')) !== 'OK') {
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    return await work();
  } finally {
    await ctx.redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0", 1, key, token);
  }
}
