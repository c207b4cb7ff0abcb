import { DoneRecords, PipelineKeys, connectRedis, doneField, imageIdOf } from '@vertxnet/queue';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, deleteKeys, uniqueName } from '../../../../test/helpers/redis.js';

const redis = connectRedis(TEST_REDIS_URL);
const prefix = uniqueName();
const keys = new PipelineKeys(prefix);
const done = new DoneRecords(redis, keys);
const models = { unet: 'unet@1.0.0', maskrcnn: 'maskrcnn@1.0.0' };
afterEach(async () => {
  await deleteKeys(redis, prefix);
});
afterAll(async () => {
  await redis.quit();
});

describe('done-records', () => {
  it('record an image once and find it, alone or among others', async () => {
    const a = imageIdOf('s3://in/a.png', 'etag:a', models, 's3://out');
    const b = imageIdOf('s3://in/a.png', 'etag:b', models, 's3://out');
    expect(await done.has(a)).toBe(false);
    expect(await done.mark(a)).toBe(true);
    expect(await done.mark(a)).toBe(false);
    expect(await done.has(a)).toBe(true);
    expect(await done.which([b, a, b])).toEqual([false, true, false]);
  });

  it('store a compact integer field in a listpack bucket, and still find records of the earlier form', async () => {
    const id = imageIdOf('s3://in/a.png', 'etag:c', models, 's3://out');
    expect(doneField(id)).toMatch(/^\d+$/);
    expect(BigInt(doneField(id))).toBeLessThan(2n ** 63n); // a listpack integer
    await done.mark(id);
    expect(await redis.hkeys(keys.doneBucket(id))).toEqual([doneField(id)]);
    expect(await redis.object('ENCODING', keys.doneBucket(id))).toBe('listpack');
    // Written by an earlier version: the whole id as field, the run as value.
    const old = imageIdOf('s3://in/a.png', 'etag:old', models, 's3://out');
    await redis.hset(keys.doneBucket(old), old, 'r-1');
    expect(await done.has(old)).toBe(true);
    // Ids of another form are kept whole.
    expect(doneField('img-a')).toBe('img-a');
    await done.mark('img-a');
    expect(await done.has('img-a')).toBe(true);
  });
});
