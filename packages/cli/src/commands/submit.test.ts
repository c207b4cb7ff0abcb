import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestPipeline, type TestPipeline } from '../../../../test/e2e/helpers/pipeline.js';
import { runCommands } from '../../../../test/helpers/cli-program.js';
import { TEST_REDIS_URL } from '../../../../test/helpers/redis.js';
import { registerSubmit } from './submit.js';

let p: TestPipeline;
beforeEach(async () => {
  p = await openTestPipeline();
});
afterEach(async () => {
  await p.close();
});

async function submit(...args: string[]): Promise<string> {
  return runCommands([registerSubmit], ['submit', ...args, '--redis', TEST_REDIS_URL, '--prefix', p.prefix]);
}

describe('vertxnet submit', () => {
  it('writes the run and its ingest job to Redis and prints the id', async () => {
    const { id } = JSON.parse(await submit('s3://cohort/lateral', '--out', 's3://results/r', '--view', 'cervical', '--unet-model', 'unet@2.0.0', '--json')) as {
      id: string;
    };
    expect(await p.runs.get(id)).toMatchObject({
      source: 's3://cohort/lateral',
      out: 's3://results/r',
      view: 'cervical',
      models: { unet: 'unet@2.0.0' },
      listingDone: false,
    });
    const job = await p.queues.queue('run').getJob(id);
    expect(job?.data).toEqual({ run: id });
  });

  it('refuses a bad view or source before writing anything', async () => {
    await expect(submit('/data', '--out', '/out', '--view', 'thoracic')).rejects.toThrow(/--view must be cervical or lumbar/);
    await expect(submit('ftp://x/y', '--out', '/out')).rejects.toThrow(/unsupported storage URI scheme/);
    expect(await p.runs.list()).toEqual([]);
  });
});
