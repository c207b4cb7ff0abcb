import { InputError } from '@vertxnet/core';
import { produceRun, type RunStatus } from '@vertxnet/queue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeImageFolder, openTestPipeline, trivialHandlers, type TestPipeline } from '../../../../test/e2e/helpers/pipeline.js';
import { runCommands } from '../../../../test/helpers/cli-program.js';
import { TEST_REDIS_URL } from '../../../../test/helpers/redis.js';
import { registerStatus } from './status.js';

let p: TestPipeline;
let cleanup: () => Promise<void> = async () => undefined;
beforeEach(async () => {
  p = await openTestPipeline();
});
afterEach(async () => {
  await p.close();
  await cleanup();
});

async function status(...args: string[]): Promise<string> {
  return runCommands([registerStatus], ['status', ...args, '--redis', TEST_REDIS_URL, '--prefix', p.prefix]);
}

describe('vertxnet status', () => {
  it('shows counts, throughput and the failures of a finished run with their reasons', async () => {
    const folder = await makeImageFolder(4);
    cleanup = folder.cleanup;
    p.startStages(
      trivialHandlers({
        prepare: async (job) => {
          if (job.source.endsWith('img-0001.png')) throw InputError.forFile(job.source, 'PNG is truncated');
          return { image: `work/${job.result}.png`, width: 8, height: 8, identity: job.source };
        },
        unet: async (job) => {
          if (job.image.includes('img-0002')) throw new InputError('foreground output has the wrong shape');
          return { foreground: 'f' };
        },
      }),
    );
    await p.runs.create({ id: 'r1', source: folder.dir, out: 'file:///out', models: { unet: 'u@1', maskrcnn: 'm@1' } });
    await produceRun('r1', p.producer, { maxPending: 10, batchSize: 10, quietMs: 60_000 }, new AbortController().signal);
    await p.waitForRun('r1');

    const text = await status('r1');
    expect(text).toContain('run r1  finished');
    expect(text).toContain('listed 4  queued 0  active 0  done 3  failed 1  skipped 0');
    expect(text).toMatch(/throughput \d+\.\d\d images\/s over the last minute {2}ETA done/);
    expect(text).toMatch(/prepare +img-0001\.png {2}img-0001\.png: PNG is truncated/);
    expect(text).toMatch(/unet +img-0002\.png {2}foreground output has the wrong shape/);

    const json = JSON.parse(await status('r1', '--json')) as RunStatus;
    expect(json.counts).toEqual({ queued: 0, active: 0, done: 3, failed: 1, skipped: 0 });
    expect(json.throughput).toBeGreaterThan(0);
    expect(json.failures).toHaveLength(2);

    // Followed to its end, a run with failures exits as `vertxnet run` does: 2, some images failed.
    try {
      await status('r1', '--watch');
      expect(process.exitCode).toBe(2);
    } finally {
      process.exitCode = 0;
    }
  });

  it('fails with a readable message for an unknown run', async () => {
    await expect(status('r-missing')).rejects.toThrow(/no run r-missing/);
  });
});
