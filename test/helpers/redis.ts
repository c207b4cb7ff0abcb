import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis that tests use: REDIS_URL, else the one on this machine. */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh connection to the test Redis. BullMQ workers need maxRetriesPerRequest: null. */
export function testRedis(opts: { forBullmq?: boolean } = {}): Redis {
  return new Redis(TEST_REDIS_URL, {
    lazyConnect: false,
    ...(opts.forBullmq ? { maxRetriesPerRequest: null } : {}),
  });
}

/** A unique name so parallel or repeated tests never share queues or keys. */
export function uniqueName(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

/** Deletes every key under a prefix (SCAN, never KEYS, so a shared Redis is not blocked). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
