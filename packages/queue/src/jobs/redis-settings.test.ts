import { pino } from 'pino';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPACT_HASH_VALUE, checkRedisHashSetting, connectRedis } from '@vertxnet/queue';
import { TEST_REDIS_URL } from '../../../../test/helpers/redis.js';

const redis = connectRedis(TEST_REDIS_URL);
afterAll(async () => {
  await redis.quit();
});

function capture() {
  const lines: Array<{ level: number; msg: string }> = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('checkRedisHashSetting', () => {
  it('reads hash-max-listpack-value from the real Redis and warns when waiting flows will not stay compact', async () => {
    const [, raw] = (await redis.config('GET', 'hash-max-listpack-value')) as unknown as string[];
    const actual = Number(raw);
    const { logger, lines } = capture();
    const got = await checkRedisHashSetting(redis, logger, 1000);
    expect(got.hashMaxListpackValue).toBe(actual);
    expect(got.compact).toBe(actual >= COMPACT_HASH_VALUE);
    const warned = lines.some((l) => l.level === 40 && /hash-max-listpack-value is \d+: .*3\.8 KB.*1024/.test(l.msg));
    expect(warned).toBe(!got.compact);
  });

  it('says so, and goes on, where CONFIG GET is refused', async () => {
    const refusing = { config: async () => Promise.reject(new Error("ERR unknown command 'CONFIG'")) } as unknown as Parameters<
      typeof checkRedisHashSetting
    >[0];
    const { logger, lines } = capture();
    expect(await checkRedisHashSetting(refusing, logger, 1000)).toEqual({ hashMaxListpackValue: undefined, compact: undefined });
    expect(lines.map((l) => l.msg).join('\n')).toMatch(/could not be read/);
  });
});
