import type { Job } from 'bullmq';
import { InputError, TransientError } from '@vertxnet/core';
import { stageProcessor, type JobWorker } from '@vertxnet/queue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestPipeline, trivialHandlers, type TestPipeline } from '../../../../test/e2e/helpers/pipeline.js';

// These tests import the built package (as the services do), so error classes are the same ones.

let p: TestPipeline;
beforeEach(async () => {
  p = await openTestPipeline();
});
afterEach(async () => {
  await p.close();
});

/** The next 'failed' event of the worker that was its job's last attempt. */
function finalFailure(worker: JobWorker): Promise<{ job: Job; err: Error }> {
  return new Promise((resolve) => {
    worker.worker.on('failed', (job, err) => {
      if (job?.finishedOn) resolve({ job, err });
    });
  });
}

/** A U-Net job as stored (see ModelJobSchema). */
const model = { r: 'r1', s: 'file:///data/a.png', i: 'work/a.png', m: 'unet@1.0.0' };

describe('stage processors', () => {
  it('fails an invalid payload once, without calling the handler', async () => {
    let calls = 0;
    const handlers = trivialHandlers({ unet: async () => ((calls += 1), { foreground: 'f' }) });
    const worker = p.startWorker('unet', stageProcessor('unet', handlers, undefined));
    const failed = finalFailure(worker);
    await p.queues.queue('unet').add('unet', { ...model, i: undefined }, { attempts: 3, backoff: { type: 'fixed', delay: 10 } });
    const { job, err } = await failed;
    expect(err.name).toBe('UnrecoverableError');
    expect(job.failedReason).toMatch(/invalid unet payload.*→ at i\b/s);
    expect(job.attemptsMade).toBe(1);
    expect(calls).toBe(0);
  });

  it('fails bad input once with its readable message, and retries a transient fault', async () => {
    let transientCalls = 0;
    const handlers = trivialHandlers({
      unet: async (job) => {
        if (job.image.endsWith('bad.png')) throw InputError.forFile(job.image, 'PNG is truncated');
        transientCalls += 1;
        if (transientCalls < 3) throw new TransientError('storage throttled');
        return { foreground: 'f' };
      },
    });
    const worker = p.startWorker('unet', stageProcessor('unet', handlers, undefined));
    const completed = new Promise<Job>((resolve) => worker.worker.on('completed', (job) => resolve(job)));
    const failed = finalFailure(worker);
    const opts = { attempts: 3, backoff: { type: 'fixed', delay: 10 } } as const;
    await p.queues.queue('unet').add('unet', { ...model, i: 'work/bad.png' }, opts);
    await p.queues.queue('unet').add('unet', model, opts);
    const { job } = await failed;
    expect(job.failedReason).toBe('bad.png: PNG is truncated');
    expect(job.attemptsMade).toBe(1);
    // Kept failed jobs store the reason, not the frames of a bad input.
    expect(job.stacktrace).toEqual(['UnrecoverableError: bad.png: PNG is truncated']);
    const ok = await completed;
    expect(transientCalls).toBe(3); // two transient failures retried, then success
    expect(ok.returnvalue).toEqual({ foreground: 'f' });
  });
});
