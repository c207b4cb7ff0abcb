import { PipelineKeys, RunStore, connectRedis } from '@vertxnet/queue';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, deleteKeys, uniqueName } from '../../../../test/helpers/redis.js';

const redis = connectRedis(TEST_REDIS_URL);
const prefix = uniqueName();
const keys = new PipelineKeys(prefix);
const runs = new RunStore(redis, keys);
afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
});

describe('run throughput counters', () => {
  it('count finished images per second across a minute boundary, in one small hash per minute', async () => {
    await runs.create({ id: 'r1', source: '/data', out: '/out', models: { unet: 'u@1', maskrcnn: 'm@1' } });
    await runs.enqueue('r1', ['a', 'b', 'c', 'd', 'e'], { listed: 5, skipped: 0 });
    const t0 = 1_800_000_000_000 - (1_800_000_000_000 % 60_000); // the start of a minute
    await runs.finish('r1', 'a', 'done', t0 - 500);
    await runs.finish('r1', 'b', 'done', t0 + 200);
    await runs.finish('r1', 'c', 'failed', t0 + 900);
    await runs.finish('r1', 'd', 'skipped', t0 + 1_100); // skipped images are not throughput
    await runs.finish('r1', 'e', 'done', t0 + 1_200);
    const perSecond = await runs.finishedPerSecond('r1', 60, t0 + 1_500);
    expect(perSecond.slice(0, 3)).toEqual([1, 2, 1]);
    expect(perSecond.reduce((a, b) => a + b, 0)).toBe(4);
    const counters = keys.finishedIn('r1', t0 / 60_000);
    expect(await redis.object('ENCODING', counters)).toBe('listpack');
    expect(await redis.ttl(counters)).toBeGreaterThan(120);
    await expect(runs.finishedPerSecond('r1', 600)).rejects.toThrow(RangeError);
  });
});
