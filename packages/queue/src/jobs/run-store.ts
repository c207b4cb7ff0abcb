import type { Redis } from 'ioredis';
import { z } from 'zod';
import { VIEWS, NotFoundError } from '@vertxnet/core';
import { ModelRefsSchema, RunIdSchema, type RunDefaults } from './contract.js';
import type { PipelineKeys } from './keys.js';
import { LuaScript } from './lua-script.js';

/** What a submitter asks for: where the images are, where results go, and with which models. */
export const RunSpecSchema = z.object({
  id: RunIdSchema,
  /** 's3://bucket/prefix', a folder (path or file://), or a manifest '….csv' with a `uri` column. */
  source: z.string().min(1).max(2048),
  out: z.string().min(1).max(2048),
  view: z.enum(VIEWS).optional(),
  models: ModelRefsSchema,
});
export type RunSpec = z.infer<typeof RunSpecSchema>;

/** Counters of a run; `done + failed + skipped + inFlight = queued + skipped-at-listing`. */
export interface RunCounts {
  /** Source objects listed that have an image extension. */
  listed: number;
  /** Prepare jobs added. */
  queued: number;
  /** Already done with the same models and output (at listing, by ETag, or after prepare). */
  skipped: number;
  done: number;
  failed: number;
}

/** A file of the source that the listing did not take as an image, and why. */
export interface LeftOutFile {
  key: string;
  reason: string;
}

/** Left-out files kept per run with their reasons (all are counted): bounds Redis memory for a messy bucket. */
export const LEFT_OUT_KEPT = 1_000;

export interface RunRecord extends RunSpec, RunCounts {
  /** Files of the source the listing left out (not images, links); see RunStore.leftOut. */
  leftOut: number;
  /** Creation time, ms since the epoch. */
  created: number;
  /** Where the listing resumes: the last key (or manifest line) queued. */
  cursor?: string;
  listingDone: boolean;
}

export type ImageOutcome = 'done' | 'skipped' | 'failed';

const count = z.coerce.number().int().nonnegative().default(0);
const RunHashSchema = z.object({
  source: z.string(),
  out: z.string(),
  view: z.enum(VIEWS).optional(),
  models: z.string().transform((s) => ModelRefsSchema.parse(JSON.parse(s))),
  created: z.coerce.number(),
  listed: count,
  queued: count,
  skipped: count,
  done: count,
  failed: count,
  leftOut: count,
  cursor: z.string().optional(),
  listingDone: z.enum(['0', '1']).default('0'),
});

const CREATE = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
return 1`);

/** Adds members to the in-flight hash (once each) and counts what was listed, queued and skipped. */
const ENQUEUE = new LuaScript(`
local added = 0
for i = 3, #ARGV do added = added + redis.call('HSETNX', KEYS[2], ARGV[i], '') end
redis.call('HINCRBY', KEYS[1], 'queued', added)
redis.call('HINCRBY', KEYS[1], 'listed', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'skipped', ARGV[2])
redis.call('PUBLISH', KEYS[3], 'queued')
return added`);

/** Records an image's prepared id, only while it is still in flight. */
const ASSIGN = new LuaScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`);

/**
 * An image leaves the backlog: counted once however often it is reported (a retried fusion, a
 * failure seen by both the worker and the reconciler), and the producer is woken.
 */
const FINISH = new LuaScript(`
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
if ARGV[2] ~= 'skipped' then
  redis.call('HINCRBY', KEYS[3], ARGV[4], 1)
  redis.call('EXPIRE', KEYS[3], ARGV[5])
end
redis.call('PUBLISH', ARGV[3], ARGV[2])
return 1`);

function parseRun(id: string, hash: Record<string, string>): RunRecord | undefined {
  if (Object.keys(hash).length === 0) return undefined;
  const { listingDone, ...rest } = RunHashSchema.parse(hash);
  return { id, ...rest, listingDone: listingDone === '1' };
}

/** The longest window finishedPerSecond reads (status reads the last minute). */
const THROUGHPUT_WINDOW_S = 120;
/** How long a minute's throughput counters live: the window, the minute itself, and some clock skew. */
const FINISHED_KEPT_S = THROUGHPUT_WINDOW_S + 60 + 30;

/** Run defaults cached per process at most (they never change once a run is created). */
const DEFAULTS_CACHED = 256;

/** Run records and their in-flight accounting in Redis. */
export class RunStore {
  private readonly defaultsCache = new Map<string, RunDefaults>();

  constructor(
    readonly redis: Redis,
    readonly keys: PipelineKeys,
  ) {}

  /**
   * What the stored jobs of a run leave out (out URI, models, view), read once per process and run
   * (a run's spec never changes). Throws NotFoundError when there is no such run.
   */
  async defaults(id: string): Promise<RunDefaults> {
    const cached = this.defaultsCache.get(id);
    if (cached !== undefined) return cached;
    const [out, models, view] = await this.redis.hmget(this.keys.run(id), 'out', 'models', 'view');
    if (out === null || models === null) throw new NotFoundError(`run ${id} does not exist`);
    const parsed = RunHashSchema.pick({ out: true, models: true, view: true }).parse({ out, models, ...(view !== null ? { view } : {}) });
    const defaults: RunDefaults = { out: parsed.out, models: parsed.models, ...(parsed.view ? { view: parsed.view } : {}) };
    if (this.defaultsCache.size >= DEFAULTS_CACHED) this.defaultsCache.delete(this.defaultsCache.keys().next().value as string);
    this.defaultsCache.set(id, defaults);
    return defaults;
  }

  /** Creates the run; false if a run with this id exists. */
  async create(spec: RunSpec, now = Date.now()): Promise<boolean> {
    const run = RunSpecSchema.parse(spec);
    const fields: Record<string, string> = {
      source: run.source,
      out: run.out,
      models: JSON.stringify(run.models),
      created: String(now),
      listed: '0',
      queued: '0',
      skipped: '0',
      done: '0',
      failed: '0',
      listingDone: '0',
    };
    if (run.view) fields.view = run.view;
    const created = await CREATE.run(this.redis, [this.keys.run(run.id), this.keys.runs()], [now, run.id, ...Object.entries(fields).flat()]);
    return created === 1;
  }

  async get(id: string): Promise<RunRecord | undefined> {
    return parseRun(id, await this.redis.hgetall(this.keys.run(id)));
  }

  /** The run and its images in flight, read atomically (so `listingDone && inFlight === 0` means finished). */
  async snapshot(id: string): Promise<{ run: RunRecord; inFlight: number } | undefined> {
    const replies = await this.redis.multi().hgetall(this.keys.run(id)).hlen(this.keys.pending(id)).exec();
    const [[hashErr, hash], [lenErr, inFlight]] = replies as [[Error | null, Record<string, string>], [Error | null, number]];
    if (hashErr) throw hashErr;
    if (lenErr) throw lenErr;
    const run = parseRun(id, hash);
    return run === undefined ? undefined : { run, inFlight };
  }

  /** Images of the run added but not yet done, skipped or failed. */
  async inFlight(id: string): Promise<number> {
    return this.redis.hlen(this.keys.pending(id));
  }

  /** In-flight members (prepare job ids) with their image ids ('' before prepare). Bounded by MAX_PENDING. */
  async inFlightImages(id: string): Promise<Array<{ member: string; imageId: string }>> {
    const hash = await this.redis.hgetall(this.keys.pending(id));
    return Object.entries(hash).map(([member, imageId]) => ({ member, imageId }));
  }

  /**
   * Counts a listed batch BEFORE its jobs are added, so a prepare job never finishes uncounted;
   * a member already in flight (a batch re-listed after a restart) is not counted twice.
   */
  async enqueue(id: string, members: readonly string[], counts: { listed: number; skipped: number }): Promise<number> {
    const keys = [this.keys.run(id), this.keys.pending(id), this.keys.events(id)];
    const added = await ENQUEUE.run(this.redis, keys, [counts.listed, counts.skipped, ...members]);
    return Number(added);
  }

  /**
   * Records files the listing left out: all counted, the first LEFT_OUT_KEPT kept with their
   * reasons for run.json. A batch re-listed after a restart may record its files twice.
   */
  async recordLeftOut(id: string, files: readonly LeftOutFile[]): Promise<void> {
    if (files.length === 0) return;
    await this.redis
      .multi()
      .hincrby(this.keys.run(id), 'leftOut', files.length)
      .rpush(this.keys.leftOut(id), ...files.map((f) => JSON.stringify({ key: f.key, reason: f.reason })))
      .ltrim(this.keys.leftOut(id), 0, LEFT_OUT_KEPT - 1)
      .exec();
  }

  /** The left-out files kept for the run, in listing order. */
  async leftOutFiles(id: string): Promise<LeftOutFile[]> {
    return (await this.redis.lrange(this.keys.leftOut(id), 0, LEFT_OUT_KEPT - 1)).map((s) => JSON.parse(s) as LeftOutFile);
  }

  async saveCursor(id: string, cursor: string): Promise<void> {
    await this.redis.hset(this.keys.run(id), 'cursor', cursor);
  }

  async finishListing(id: string): Promise<void> {
    await this.redis.multi().hset(this.keys.run(id), 'listingDone', '1').publish(this.keys.events(id), 'listed').exec();
  }

  async assign(id: string, member: string, imageId: string): Promise<boolean> {
    return (await ASSIGN.run(this.redis, [this.keys.pending(id)], [member, imageId])) === 1;
  }

  /** Takes an image out of the backlog with its outcome; true if this call counted it. */
  async finish(id: string, member: string, outcome: ImageOutcome, now = Date.now()): Promise<boolean> {
    const second = Math.floor(now / 1000);
    const keys = [this.keys.pending(id), this.keys.run(id), this.keys.finishedIn(id, Math.floor(second / 60))];
    const args = [member, outcome, this.keys.events(id), second % 60, FINISHED_KEPT_S];
    return (await FINISH.run(this.redis, keys, args)) === 1;
  }

  /** Images done or failed in each of the last `seconds` seconds (at most THROUGHPUT_WINDOW_S), the current one included. */
  async finishedPerSecond(id: string, seconds: number, now = Date.now()): Promise<number[]> {
    if (seconds > THROUGHPUT_WINDOW_S) throw new RangeError(`throughput is kept for the last ${THROUGHPUT_WINDOW_S} s only`);
    const last = Math.floor(now / 1000);
    const wanted = Array.from({ length: seconds }, (_, i) => last - i);
    const minutes = [...new Set(wanted.map((s) => Math.floor(s / 60)))];
    const pipeline = this.redis.pipeline();
    for (const minute of minutes) pipeline.hgetall(this.keys.finishedIn(id, minute));
    const replies = (await pipeline.exec()) ?? [];
    const byMinute = new Map<number, Record<string, string>>();
    minutes.forEach((minute, i) => {
      const [err, hash] = replies[i] ?? [null, {}];
      if (err) throw err;
      byMinute.set(minute, hash as Record<string, string>);
    });
    return wanted.map((s) => Number(byMinute.get(Math.floor(s / 60))?.[String(s % 60)] ?? 0));
  }

  /** Run ids, newest first. */
  async list(limit = 20): Promise<string[]> {
    return this.redis.zrevrange(this.keys.runs(), 0, limit - 1);
  }
}
