import { ConfigError } from '@vertxnet/core';
import { PipelineQueues, QUEUE_EVENTS_MAX_LEN, connectRedis, queueEventsMaxLen } from '@vertxnet/queue';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, deleteKeys, uniqueName } from '../../../../test/helpers/redis.js';

const redis = connectRedis(TEST_REDIS_URL);
let prefix = '';
afterEach(async () => {
  await deleteKeys(redis, prefix);
});
afterAll(async () => {
  await redis.quit();
});

/** The event-stream length the queue's Lua scripts trim to (read from its metadata). */
async function storedMaxLen(queues: PipelineQueues, name: 'unet' | 'fusion'): Promise<string | null> {
  // Resolves once the queue has written its metadata (these queues are named after their job).
  await queues.queue(name).getVersion();
  return redis.hget(`${prefix}:${name}:meta`, 'opts.maxLenEvents');
}

describe('queue event streams', () => {
  it('are capped at QUEUE_EVENTS_MAX_LEN unless the queues are opened with another length', async () => {
    prefix = uniqueName();
    const byDefault = new PipelineQueues(redis, prefix);
    expect(await storedMaxLen(byDefault, 'fusion')).toBe(String(QUEUE_EVENTS_MAX_LEN));
    await byDefault.close();
    const short = new PipelineQueues(redis, prefix, { eventsMaxLen: 7 });
    expect(await storedMaxLen(short, 'unet')).toBe('7');
    // Redis trims approximately, whole stream nodes of 100 events: never the 500 added here.
    await short.queue('unet').addBulk(Array.from({ length: 500 }, (_, i) => ({ name: 'unet', data: { i } })));
    expect(await redis.xlen(`${prefix}:unet:events`)).toBeLessThanOrEqual(7 + 100);
    await short.close();
  });

  it('take their length from QUEUE_EVENTS_MAX_LEN in the environment (the CLI reads it too)', () => {
    expect(queueEventsMaxLen({})).toBe(QUEUE_EVENTS_MAX_LEN);
    expect(queueEventsMaxLen({ QUEUE_EVENTS_MAX_LEN: '2500' })).toBe(2500);
    expect(() => queueEventsMaxLen({ QUEUE_EVENTS_MAX_LEN: 'lots' })).toThrow(ConfigError);
  });
});
