import type { Job } from 'bullmq';
import { InputError, StorageUnavailableError } from '@vertxnet/core';
import { flowJobIds, imageFlow, imageIdOf, prepareJobId, type ChildOutcomes, type PreparePayload } from '@vertxnet/queue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestPipeline, trivialHandlers, type TestPipeline } from '../../../../test/e2e/helpers/pipeline.js';

let p: TestPipeline;
beforeEach(async () => {
  p = await openTestPipeline();
});
afterEach(async () => {
  await p.close();
});

const job: PreparePayload = {
  run: 'r1',
  source: 'file:///data/a.png',
  result: 'a',
  out: 'file:///out',
  models: { unet: 'unet@1.0.0', maskrcnn: 'maskrcnn@1.0.0' },
};
const prepared = { image: 'work/a.png', width: 8, height: 8, identity: 'sha-a' };

describe('image flows', () => {
  it('runs fusion with the surviving model when a child fails, listing the failure, and counts the image done', async () => {
    await p.runs.create({ id: 'r1', source: 'file:///data', out: job.out, models: job.models });
    const member = prepareJobId('r1', job.source);
    await p.runs.enqueue('r1', [member], { listed: 1, skipped: 0 });
    let seen: ChildOutcomes | undefined;
    p.startStages(
      trivialHandlers({
        unet: async () => {
          throw new InputError('foreground output has the wrong shape');
        },
        fuse: async (_job, children) => ((seen = children), { result: 'a.json', summary: {} }),
      }),
    );
    const imageId = imageIdOf(job.source, prepared.identity, job.models, job.out);
    await p.flows.add(imageId, job, prepared);
    const run = await p.waitForRun('r1', (r) => r.done + r.failed === 1);
    expect(run.done).toBe(1);
    expect(seen).toEqual({
      instances: 'work/a.png.instances',
      failures: ['unet: foreground output has the wrong shape'],
    });
    expect(await p.done.has(imageId)).toBe(true);
    // The failed child is kept (removeOnFail retention) so status can show it.
    const child = await p.queues.queue('unet').getJob(flowJobIds(imageId).unet);
    expect(await child?.getState()).toBe('failed');
  });

  it('fails fusion (once) when both models failed, and counts the image failed', async () => {
    await p.runs.create({ id: 'r1', source: 'file:///data', out: job.out, models: job.models });
    await p.runs.enqueue('r1', [prepareJobId('r1', job.source)], { listed: 1, skipped: 0 });
    let fused = 0;
    p.startStages(
      trivialHandlers({
        unet: async () => {
          throw new InputError('a.png: image is blank');
        },
        maskrcnn: async () => {
          throw new InputError('a.png: image is blank');
        },
        fuse: async () => ((fused += 1), { result: 'x', summary: {} }),
      }),
    );
    const imageId = imageIdOf(job.source, prepared.identity, job.models, job.out);
    await p.flows.add(imageId, job, prepared);
    const run = await p.waitForRun('r1', (r) => r.done + r.failed === 1);
    expect(run.failed).toBe(1);
    expect(fused).toBe(0);
    const fusion: Job | undefined = await p.queues.queue('fusion').getJob(imageId);
    expect(fusion?.failedReason).toBe('both models failed: maskrcnn: a.png: image is blank; unet: a.png: image is blank');
    expect(fusion?.attemptsMade).toBe(1);
  });

  it('redoes a model stage whose job spent its storage-outage tries, then fuses both models', async () => {
    await p.runs.create({ id: 'r1', source: 'file:///data', out: job.out, models: job.models });
    await p.runs.enqueue('r1', [prepareJobId('r1', job.source)], { listed: 1, skipped: 0 });
    let storageDown = true;
    let seen: ChildOutcomes | undefined;
    const [, unetWorker] = p.startStages(
      trivialHandlers({
        unet: async (j) => {
          if (storageDown) throw new StorageUnavailableError('a.png: S3 unavailable (ECONNREFUSED)');
          return { foreground: `${j.image}.foreground` };
        },
        fuse: async (_job, children) => ((seen = children), { result: 'a.json', summary: {} }),
      }),
    );
    // Storage comes back just after the U-Net job failed for good.
    unetWorker!.worker.on('failed', (failed) => {
      if (failed?.finishedOn !== undefined) storageDown = false;
    });
    const imageId = imageIdOf(job.source, prepared.identity, job.models, job.out);
    const flow = imageFlow(imageId, job, prepared);
    // The outage budget of the first U-Net job in milliseconds rather than minutes: its tries 10 ms apart.
    const unet = flow.children!.find((c) => c.name === 'unet')!;
    unet.opts = { ...unet.opts, backoff: { type: 'fixed', delay: 10 } };
    await p.queues.flows.add(flow);
    const run = await p.waitForRun('r1', (r) => r.done + r.failed === 1);
    expect(run.done).toBe(1);
    expect(seen).toEqual({ foreground: 'work/a.png.foreground', instances: 'work/a.png.instances', failures: [] });
    const first = await p.queues.queue('unet').getJob(flowJobIds(imageId).unet);
    expect(first?.attemptsMade).toBe(12);
  });

  it('adds a flow once when its prepare job runs twice (its worker died after adding it), and refuses another run meanwhile', async () => {
    const imageId = imageIdOf(job.source, prepared.identity, job.models, job.out);
    await p.flows.add(imageId, job, prepared);
    await p.flows.add(imageId, job, prepared);
    expect(await p.queues.queue('fusion').getJob(imageId)).toBeDefined();
    expect(await p.queues.queue('unet').getWaitingCount()).toBe(1);
    await expect(p.flows.add(imageId, { ...job, run: 'r2' }, prepared)).rejects.toThrow(/already being processed by run r1/);
  });
});
