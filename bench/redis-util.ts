import type { Redis } from 'ioredis';
import { DoneRecords, PipelineKeys, PipelineQueues, RunEvents, RunStore, connectRedis } from '../packages/queue/src/index.js';

/** INFO memory's used_memory, in bytes. */
export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}

/** Deletes every key under a prefix (SCAN + UNLINK). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/** A whole-number command-line option `--name N`. */
export function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number >= 1`);
  return value;
}

/** A short prefix like production's 'vertxnet' (BullMQ repeats it inside every job record). */
export function benchPrefix(): string {
  return `vxb${Math.random().toString(16).slice(2, 7)}`;
}

/** Queues of the pipeline (BullMQ keys are `<prefix>:<queue>:…`). */
const QUEUES = new Set(['ingest', 'prepare', 'unet', 'maskrcnn', 'fusion']);
/** BullMQ's per-queue lists and sets of job ids. */
const QUEUE_LISTS = new Set(['wait', 'active', 'waiting-children', 'prioritized', 'delayed', 'paused', 'stalled', 'completed', 'failed', 'pc']);
/** BullMQ's other per-queue keys (any other `<queue>:<x>` is a job's). */
const QUEUE_FIXED = new Set(['events', 'meta', 'id', 'marker', 'stalled-check', 'limiter', 'metrics', 'repeat', 'de']);

/**
 * What a key is, with ids taken out: 'unet:<job>', 'fusion:<job>:dependencies', 'unet:events',
 * 'run:<run>:pending', 'done:<bucket>'…, and whether it grows with the backlog ('pending'), with
 * the cohort ('done'), or neither ('fixed': streams, metadata, run records, throughput counters).
 */
export function keyGroup(prefix: string, key: string): { group: string; kind: 'pending' | 'done' | 'fixed' } {
  const parts = key.slice(prefix.length + 1).split(':');
  const [head, second] = parts;
  if (head === 'done') return { group: 'done:<bucket>', kind: 'done' };
  if (head === 'run' && parts.length > 2) {
    const rest = parts
      .slice(2)
      .join(':')
      .replace(/^finished:.*$/, 'finished:<t>');
    return { group: `run:<run>:${rest}`, kind: rest === 'pending' ? 'pending' : 'fixed' };
  }
  if (head === 'run') return { group: 'run:<run>', kind: 'fixed' };
  if (head !== undefined && QUEUES.has(head) && second !== undefined) {
    // Per-queue structures: the lists and sets of job ids grow with the backlog, the rest is fixed.
    if (parts.length === 2 && QUEUE_LISTS.has(second)) return { group: `${head}:${second}`, kind: 'pending' };
    if (parts.length === 2 && QUEUE_FIXED.has(second)) return { group: `${head}:${second}`, kind: 'fixed' };
    return { group: [head, '<job>', ...parts.slice(2)].join(':'), kind: 'pending' };
  }
  return { group: parts.join(':'), kind: 'fixed' };
}

export interface KeyGroupUsage {
  group: string;
  kind: 'pending' | 'done' | 'fixed';
  keys: number;
  bytes: number;
  /** Redis encoding of the first key seen (e.g. hash/listpack, hash/hashtable). */
  encoding: string;
}

/**
 * MEMORY USAGE of every key under a prefix, grouped by keyGroup(). Exact per key (SAMPLES 0);
 * it does not see allocator fragmentation or client buffers (INFO's used_memory does).
 */
export async function keyBreakdown(redis: Redis, prefix: string): Promise<KeyGroupUsage[]> {
  const groups = new Map<string, KeyGroupUsage>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 2000);
    cursor = next;
    if (keys.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', 0);
    const sizes = (await pipeline.exec()) ?? [];
    for (const [i, key] of keys.entries()) {
      const bytes = Number(sizes[i]?.[1] ?? 0);
      if (bytes === 0) continue; // gone between SCAN and MEMORY USAGE
      const { group, kind } = keyGroup(prefix, key);
      let entry = groups.get(group);
      if (entry === undefined) {
        const [type, encoding] = await Promise.all([redis.type(key), redis.object('ENCODING', key)]);
        entry = { group, kind, keys: 0, bytes: 0, encoding: `${type}/${String(encoding)}` };
        groups.set(group, entry);
      }
      entry.keys += 1;
      entry.bytes += bytes;
    }
  } while (cursor !== '0');
  return [...groups.values()].sort((a, b) => b.bytes - a.bytes);
}

/** Bytes of the groups of one kind. */
export function bytesOf(usage: readonly KeyGroupUsage[], kind: KeyGroupUsage['kind']): number {
  return usage.filter((u) => u.kind === kind).reduce((sum, u) => sum + u.bytes, 0);
}

/** A table of a breakdown, with bytes per `per` (e.g. per pending image) when given. */
export function breakdownTable(usage: readonly KeyGroupUsage[], per?: { count: number; label: string }): string {
  const lines = usage.map((u) => {
    const each = per ? `  ${(u.bytes / per.count).toFixed(0).padStart(6)} B ${per.label}` : '';
    return `    ${u.group.padEnd(32)} ${u.kind.padEnd(8)} ${u.encoding.padEnd(16)} ${String(u.keys).padStart(7)} keys ${String(u.bytes).padStart(11)} B${each}`;
  });
  return lines.join('\n');
}

/** Redis's version and the settings that decide how compact small hashes and sets are. */
export async function redisSettings(redis: Redis): Promise<string> {
  const version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
  const get = async (name: string) => ((await redis.config('GET', name)) as string[])[1] ?? '?';
  const [value, entries] = await Promise.all([get('hash-max-listpack-value'), get('hash-max-listpack-entries')]);
  return `redis ${version}, hash-max-listpack-value ${value}, hash-max-listpack-entries ${entries}`;
}

/** The pipeline's Redis pieces under a fresh bench prefix, as the services wire them, and their teardown. */
export function openBenchPipeline(url: string) {
  const redis = connectRedis(url);
  const subscriber = connectRedis(url);
  const prefix = benchPrefix();
  const keys = new PipelineKeys(prefix);
  const queues = new PipelineQueues(redis, prefix);
  return {
    redis,
    prefix,
    runs: new RunStore(redis, keys),
    done: new DoneRecords(redis, keys),
    queues,
    events: new RunEvents(subscriber, keys),
    /** Closes the queues, deletes every key under the prefix, disconnects. */
    async close(): Promise<void> {
      await queues.close();
      await deleteKeys(redis, prefix);
      subscriber.disconnect();
      await redis.quit();
    },
  };
}
