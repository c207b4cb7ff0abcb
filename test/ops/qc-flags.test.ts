/**
 * QC flags reach /metrics: an image flow runs through the real unet, maskrcnn and fusion worker
 * services (in process, real Redis, stage handlers that do no image work), the fusion handler's
 * result carries summary.flags, and the fusion worker's vertxnet_qc_flags_total counts each flag;
 * likewise summary.polarity and vertxnet_polarity_reads_total.
 */
import { createLogger } from '@vertxnet/config';
import { ImageFlows, PipelineKeys, PipelineQueues, RunStore, type RunningService } from '@vertxnet/queue';
import { afterAll, describe, expect, it } from 'vitest';
import { FusionWorkerEnv } from '../../services/fusion-worker/src/env.js';
import { startFusionWorker } from '../../services/fusion-worker/src/service.js';
import { MaskrcnnWorkerEnv } from '../../services/maskrcnn-worker/src/env.js';
import { startMaskrcnnWorker } from '../../services/maskrcnn-worker/src/service.js';
import { UnetWorkerEnv } from '../../services/unet-worker/src/env.js';
import { startUnetWorker } from '../../services/unet-worker/src/service.js';
import { TEST_REDIS_URL, deleteKeys, testRedis, uniqueName } from '../helpers/redis.js';
import { parseExposition } from './helpers/promql.js';

const prefix = uniqueName('ops-qc');
const redis = testRedis({ forBullmq: true });
const services: RunningService[] = [];
const logger = createLogger('ops-qc', 'error');
const env = { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, HTTP_PORT: '0', SHUTDOWN_TIMEOUT_MS: '2000' };
const MODELS = { unet: 'vertxnet-unet@0.1.0', maskrcnn: 'vertxnet-maskrcnn@0.1.0' };

afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

async function counts(port: number, metric: string, label: string): Promise<Record<string, number>> {
  const samples = parseExposition(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
  return Object.fromEntries(samples.filter((s) => s.name === metric).map((s) => [s.labels[label]!, s.value]));
}
const flagCounts = (port: number) => counts(port, 'vertxnet_qc_flags_total', 'flag');

describe('fusion worker QC flag metrics', () => {
  it('counts every flag of every fused result', async () => {
    const flagsOf = (source: string) => (source.endsWith('a.png') ? ['reference_missing', 'unexpected_count'] : ['reference_missing']);
    services.push(
      await startUnetWorker(UnetWorkerEnv.parse(env), logger, async () => ({ unet: async (job) => ({ foreground: `${job.image}.fg` }) })),
      await startMaskrcnnWorker(MaskrcnnWorkerEnv.parse(env), logger, async () => ({ maskrcnn: async (job) => ({ instances: `${job.image}.in` }) })),
    );
    const fusion = await startFusionWorker(FusionWorkerEnv.parse(env), logger, async () => ({
      fuse: async (job) => ({
        result: `${job.result}/result.json`,
        summary: { vertebrae: 7, flags: flagsOf(job.source), ...(job.source.endsWith('b.png') ? { polarity: 'inverted' } : {}) },
      }),
    }));
    services.push(fusion);
    expect(await flagCounts(fusion.port)).toEqual({});

    const runs = new RunStore(redis, new PipelineKeys(prefix));
    await runs.create({ id: 'qc', source: 's3://in/', out: 's3://out/', models: MODELS });
    const queues = new PipelineQueues(redis, prefix);
    const flows = new ImageFlows(queues);
    for (const name of ['a', 'b']) {
      const job = { run: 'qc', source: `s3://in/${name}.png`, result: name, out: 's3://out/', models: MODELS };
      await flows.add(`img-${name}`, job, { image: `work/${name}.png`, width: 8, height: 8, identity: name });
    }
    const deadline = Date.now() + 30_000;
    let flags: Record<string, number> = {};
    while (Date.now() < deadline) {
      flags = await flagCounts(fusion.port);
      if ((flags.reference_missing ?? 0) >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(flags).toEqual({ reference_missing: 2, unexpected_count: 1 });
    expect(await counts(fusion.port, 'vertxnet_polarity_reads_total', 'polarity')).toEqual({ inverted: 1 });
    await queues.close();
  });
});
