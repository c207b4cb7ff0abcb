import type { Redis } from 'ioredis';
import type { Logger } from '@vertxnet/config';

/** Below this, BullMQ job hashes (options JSON, parent reference: 70–100 B values) are hashtables. */
export const COMPACT_HASH_VALUE = 128;

export interface RedisHashSetting {
  /** `hash-max-listpack-value`, or undefined where CONFIG GET is refused (some managed Redis). */
  hashMaxListpackValue: number | undefined;
  /** Whether waiting flows stay compact (about 2.6 KB an image rather than 3.8 KB). */
  compact: boolean | undefined;
}

/**
 * Reads `hash-max-listpack-value` once at start and says what it costs: on Redis's default (64)
 * every job hash of a waiting flow is a hashtable, and an image in flight costs about 3.8 KB instead
 * of 2.6 KB (bench/redis-memory.ts; docs/OPERATIONS.md). A warning, not a refusal: the pipeline
 * works either way, and a managed Redis may not let anyone change it.
 */
export async function checkRedisHashSetting(redis: Redis, logger: Logger, maxPending: number): Promise<RedisHashSetting> {
  let value: number | undefined;
  try {
    const reply = (await redis.config('GET', 'hash-max-listpack-value')) as unknown as string[];
    const n = Number(reply?.[1]);
    value = reply?.length === 2 && Number.isFinite(n) ? n : undefined;
  } catch {
    value = undefined;
  }
  if (value === undefined) {
    logger.info('Redis hash-max-listpack-value could not be read (CONFIG GET refused); set it to 1024 if you can (docs/OPERATIONS.md)');
    return { hashMaxListpackValue: undefined, compact: undefined };
  }
  const compact = value >= COMPACT_HASH_VALUE;
  if (!compact) {
    logger.warn(
      { hashMaxListpackValue: value, maxPending, worstCaseMBPerRun: Math.round((maxPending * 3_800) / 1e5) / 10 },
      `Redis hash-max-listpack-value is ${value}: each image waiting for the model workers costs about 3.8 KB of Redis instead of 2.6 KB; set it to 1024 (docs/OPERATIONS.md)`,
    );
  }
  return { hashMaxListpackValue: value, compact };
}
