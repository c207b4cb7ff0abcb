/**
 * Redis memory per pending image, as production code writes it, in the two states a pending
 * image can wait in: queued for prepare (its prepare job), and prepared with its flow waiting for
 * the model workers (fusion parent + U-Net and Mask R-CNN children), the larger one. `count`
 * images are listed by the paced producer (no workers: all wait for prepare), then a prepare
 * worker with a no-op handler adds every flow (no model workers: all flows wait).
 * For each state: used_memory over the start per image, and MEMORY USAGE of every key grouped
 * by kind (what grows with the backlog, what is fixed), per image. Target: ≤ 3 KB per pending image.
 * Run: npx tsx bench/redis-memory.ts [--count 10000]   (REDIS_URL, default redis://127.0.0.1:6379;
 * use a Redis with its default settings to measure what a stock Redis gives)
 */
import { ImageFlows, JobWorker, produceRun, stageProcessor, type ListedImage, type StageHandlers } from '../packages/queue/src/index.js';
import { breakdownTable, bytesOf, keyBreakdown, openBenchPipeline, option, redisSettings, usedMemory } from './redis-util.js';

const count = option('count', 10_000);
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const models = { unet: 'vertxnet-unet@1.0.0+3f2a9c1b7d4e', maskrcnn: 'vertxnet-maskrcnn@1.0.0+9e8d7c6b5a41' };
const TARGET = 3072;

/** A realistic S3 listing: keys of a cohort archive, with ETags. */
async function* listing(_source: string, cursor: string | undefined): AsyncGenerator<ListedImage> {
  for (let i = cursor === undefined ? 0 : Number(cursor) + 1; i < count; i++) {
    const n = String(i).padStart(7, '0');
    yield {
      uri: `s3://cohort-archive/site-a/lateral-spine/img-${n}.dcm`,
      result: `site-a__lateral-spine__img-${n}.dcm`,
      cursor: String(i),
      etag: i.toString(16).padStart(32, '0'),
    };
  }
}

/** Prepare as the pipeline's handler answers it: a canonical image keyed by content hash. */
const handlers: Pick<StageHandlers, 'prepare'> = {
  prepare: async (job) => ({
    image: `images/${(job.etag ?? '').padStart(32, '0')}.png`,
    width: 2048,
    height: 2500,
    identity: `etag:${job.etag ?? job.source}`,
  }),
};

const pipeline = openBenchPipeline(url);
const { redis, prefix, runs, done, queues, events } = pipeline;
const run = 'r-m5x2k9qz-3f9a1c';
await runs.create({ id: run, source: 's3://cohort-archive/site-a/lateral-spine/', out: 's3://vertxnet-results/site-a/run-2026-11', models });
// Queues, metadata and scripts exist before the baseline.
await Promise.all(Object.values(queues.byJob).map((q) => q.waitUntilReady()));
await settle();
const baseline = await usedMemory(redis);

await produceRun(
  run,
  { runs, done, queues, events, listSource: listing },
  { maxPending: count, batchSize: 500, quietMs: 60_000 },
  new AbortController().signal,
);
await settle();
const queued = await measure('queued for prepare (prepare job + in-flight entry)');

const prepare = new JobWorker('prepare', stageProcessor('prepare', handlers, { runs, done, flows: new ImageFlows(queues) }), {
  connection: redis,
  prefix,
  concurrency: 50,
  runs,
});
prepare.start();
for (;;) {
  const counts = await queues.queue('prepare').getJobCounts('waiting', 'active');
  if ((counts.waiting ?? 0) + (counts.active ?? 0) === 0) break;
  await new Promise((resolve) => setTimeout(resolve, 200)); // a bench's progress check, not a test wait
}
await prepare.close(10_000);
await settle();
const flowing = await measure('prepared, flow waiting for the models (3 jobs + in-flight entry)');

console.log(`redis memory per pending image: ${count} images; ${await redisSettings(redis)}`);
for (const m of [queued, flowing]) {
  console.log(`  ${m.label}`);
  console.log(`    used_memory        +${m.used.toFixed(0)} B per image over the start (everything: keys, dict growth, allocator)`);
  console.log(`    backlog keys       ${m.pending.toFixed(0)} B per image   (target ≤ ${TARGET} B: ${(m.pending / TARGET).toFixed(2)} of it)`);
  console.log(`    fixed keys         ${(m.fixed / 1e3).toFixed(0)} KB in all (event streams, queue metadata, run record), not per image`);
  console.log(breakdownTable(m.groups, { count, label: 'per image' }));
}
await pipeline.close();

async function measure(label: string) {
  const used = ((await usedMemory(redis)) - baseline) / count;
  const groups = await keyBreakdown(redis, prefix);
  return { label, used, pending: bytesOf(groups, 'pending') / count, fixed: bytesOf(groups, 'fixed'), groups };
}

/** Lets lazy frees and client buffers settle before INFO is read. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 500));
}
