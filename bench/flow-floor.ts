/**
 * The floor under a pending image's Redis memory that BullMQ's flow format sets, whatever the job
 * data: `count` image flows (fusion parent + U-Net and Mask R-CNN children) added three ways,
 *   shipped      imageFlow() as the pipeline adds it (lean data, jobId, attempts, backoff)
 *   empty data   the same options, data {} in all three jobs
 *   no backoff   data {}, and the fusion job without backoff (its options JSON ≤ 64 bytes)
 * each with used_memory per flow and the encoding and MEMORY USAGE of each job hash. Redis keeps a
 * hash as a compact listpack only while every value is ≤ hash-max-listpack-value (64 by default);
 * BullMQ stores the options as one JSON value (jobId, attempts, backoff: ≥ 92 bytes for fusion) and
 * in each child also its parent reference (`parent`, ≈ 71 bytes), so on a default Redis every job
 * hash of a flow is a hashtable. Run: npx tsx bench/flow-floor.ts [--count 5000]   (REDIS_URL)
 */
import type { FlowJob } from 'bullmq';
import { PipelineQueues, connectRedis, imageFlow, imageIdOf, jobOptions, type PreparePayload } from '../packages/queue/src/index.js';
import { benchPrefix, deleteKeys, option, redisSettings, usedMemory } from './redis-util.js';

const count = option('count', 5_000);
const redis = connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const models = { unet: 'vertxnet-unet@1.0.0+3f2a9c1b7d4e', maskrcnn: 'vertxnet-maskrcnn@1.0.0+9e8d7c6b5a41' };
const out = 's3://vertxnet-results/site-a/run-2026-11';

function sourceOf(i: number): string {
  return `s3://cohort-archive/site-a/lateral-spine/img-${String(i).padStart(7, '0')}.dcm`;
}

function shipped(imageId: string, i: number): FlowJob {
  const n = String(i).padStart(7, '0');
  const job: PreparePayload = { run: 'r-m5x2k9qz-3f9a1c', source: sourceOf(i), result: `site-a__lateral-spine__img-${n}.dcm`, out, models };
  return imageFlow(imageId, job, { image: `images/${imageId.slice(1)}0123456789ab.png`, width: 2048, height: 2500, identity: 'x' });
}

function emptyData(fusionOpts: (imageId: string) => Record<string, unknown>) {
  return (imageId: string): FlowJob => {
    const flow = shipped(imageId, 0);
    return {
      ...flow,
      data: {},
      opts: fusionOpts(imageId),
      children: (flow.children ?? []).map((child) => ({ ...child, data: {} })),
    };
  };
}

const variants: Array<[string, (imageId: string, i: number) => FlowJob]> = [
  ['shipped', shipped],
  ['empty data', emptyData((imageId) => ({ ...jobOptions('fusion'), jobId: imageId }))],
  ['no backoff', emptyData((imageId) => ({ attempts: jobOptions('fusion').attempts, jobId: imageId }))],
];

console.log(`flow floor: ${count} flows each; ${await redisSettings(redis)}`);
for (const [name, make] of variants) {
  const prefix = benchPrefix();
  const queues = new PipelineQueues(redis, prefix);
  await queues.flows.addBulk([make(imageIdOf(sourceOf(0), 'warm-up', models, out), 0)]);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const before = await usedMemory(redis);
  for (let from = 0; from < count; from += 500) {
    const flows: FlowJob[] = [];
    for (let i = from; i < Math.min(count, from + 500); i++) flows.push(make(imageIdOf(sourceOf(i), `etag:${i}`, models, out), i));
    await queues.flows.addBulk(flows);
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  const perFlow = ((await usedMemory(redis)) - before) / count;
  const id = imageIdOf(sourceOf(0), 'etag:0', models, out);
  const hashes = await Promise.all(
    (
      [
        ['fusion', `${prefix}:fusion:${id}`],
        ['unet', `${prefix}:unet:${id}-unet`],
        ['maskrcnn', `${prefix}:maskrcnn:${id}-maskrcnn`],
      ] as const
    ).map(async ([job, key]) => {
      const [bytes, encoding, fields] = await Promise.all([redis.memory('USAGE', key, 'SAMPLES', 0), redis.object('ENCODING', key), redis.hgetall(key)]);
      const longest = Math.max(...Object.values(fields).map((v) => Buffer.byteLength(v)));
      return `${job} ${String(bytes)} B ${String(encoding)} (longest value ${longest} B)`;
    }),
  );
  console.log(`  ${name.padEnd(11)} ${perFlow.toFixed(0).padStart(5)} B per flow (used_memory); ${hashes.join(', ')}`);
  await queues.close();
  await deleteKeys(redis, prefix);
}
await redis.quit();
