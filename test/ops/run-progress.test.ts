/** The run-progress gauges behind the dashboard's ETA, read from the real ingest service's /metrics. */
import { PipelineKeys, RunStore } from '@vertxnet/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys, testRedis, uniqueName } from '../helpers/redis.js';
import { parseExposition } from './helpers/promql.js';
import { spawnService, waitReady, type SpawnedService } from './helpers/services.js';

const prefix = uniqueName('ops-run');
const redis = testRedis();
let ingest: SpawnedService;

beforeAll(async () => {
  ingest = await spawnService('ingest', prefix);
  await waitReady(ingest);
}, 120_000);

afterAll(async () => {
  await ingest?.stop();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

async function progress(run: string): Promise<Record<string, number>> {
  const samples = parseExposition(await (await fetch(`${ingest.base}/metrics`)).text());
  const out: Record<string, number> = {};
  for (const s of samples) {
    if (s.labels.run !== run) continue;
    if (s.name === 'vertxnet_run_images') out[s.labels.state!] = s.value;
    if (s.name === 'vertxnet_run_listing_done') out.listing_done = s.value;
  }
  return out;
}

describe('run progress metrics', () => {
  it('export listed, finished and in-flight images of a running run, and drop it once finished', async () => {
    const runs = new RunStore(redis, new PipelineKeys(prefix));
    const id = 'run-eta';
    await runs.create({ id, source: 's3://in/x/', out: 's3://out/x/', models: { unet: 'vertxnet-unet@0.1.0', maskrcnn: 'vertxnet-maskrcnn@0.1.0' } });
    await runs.enqueue(id, ['m1', 'm2', 'm3'], { listed: 4, skipped: 1 });
    await runs.finish(id, 'm1', 'done');
    expect(await progress(id)).toEqual({ listed: 4, skipped: 1, done: 1, failed: 0, finished: 2, in_flight: 2, listing_done: 0 });

    await runs.finishListing(id);
    await runs.finish(id, 'm2', 'failed');
    expect(await progress(id)).toMatchObject({ finished: 3, failed: 1, in_flight: 1, listing_done: 1 });

    await runs.finish(id, 'm3', 'done');
    expect(await progress(id)).toEqual({});
  });
});
