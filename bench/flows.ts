/**
 * Flow creation rate and Redis memory per pending image. Adds `count` image flows (fusion parent
 * + U-Net and Mask R-CNN children, payloads as the producer writes them) with FlowProducer.addBulk,
 * plus each image's in-flight entry, and reads INFO memory before and after.
 * Targets: ≥ 1,500 images/s, ≤ 3 KB per pending image. Memory depends on the Redis settings:
 * BullMQ job hashes carry values longer than hash-max-listpack-value (64 by default), so with the
 * default they are stored as hashtables; `hash-max-listpack-value 1024` stores them as listpacks.
 * Run: npx tsx bench/flows.ts [--count 10000] [--batch 500]   (REDIS_URL, default redis://127.0.0.1:6379)
 */
import { benchPrefix, deleteKeys, option, usedMemory } from './redis-util.js';
import { PipelineKeys, PipelineQueues, RunStore, connectRedis, imageFlow, imageIdOf, prepareJobId, type PreparePayload } from '../packages/queue/src/index.js';

/** A realistic prepare payload: S3 source and output, versioned model references. */
function benchPayload(run: string, i: number): PreparePayload {
  const n = String(i).padStart(7, '0');
  return {
    run,
    source: `s3://cohort-archive/site-a/lateral-spine/img-${n}.dcm`,
    result: `site-a__lateral-spine__img-${n}.dcm`,
    out: 's3://vertxnet-results/site-a/run-2026-11',
    models: { unet: 'vertxnet-unet@1.0.0+3f2a9c1b7d4e', maskrcnn: 'vertxnet-maskrcnn@1.0.0+9e8d7c6b5a41' },
  };
}

async function main(): Promise<void> {
  const count = option('count', 10_000);
  const batch = option('batch', 500);
  const redis = connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = benchPrefix();
  const queues = new PipelineQueues(redis, prefix);
  const runs = new RunStore(redis, new PipelineKeys(prefix));
  const run = 'r-bench';
  await runs.create({ id: run, source: 's3://cohort-archive/site-a', out: 's3://vertxnet-results/site-a/run-2026-11', models: benchPayload(run, 0).models });
  // Queues and scripts are created lazily: one warm-up flow, removed from the figures by the baseline.
  await queues.flows.addBulk([imageFlow('iwarmup', benchPayload(run, -1), { image: 'images/warmup.png', width: 1, height: 1, identity: 'w' })]);
  const before = await usedMemory(redis);

  const started = performance.now();
  for (let from = 0; from < count; from += batch) {
    const flows = [];
    const members = [];
    for (let i = from; i < Math.min(count, from + batch); i++) {
      const job = benchPayload(run, i);
      const imageId = imageIdOf(job.source, `etag:${i.toString(16).padStart(32, '0')}`, job.models, job.out);
      flows.push(imageFlow(imageId, job, { image: `images/${imageId.slice(1)}0123456789ab.png`, width: 2048, height: 2500, identity: 'x' }));
      members.push(prepareJobId(run, job.source));
    }
    await runs.enqueue(run, members, { listed: members.length, skipped: 0 });
    await queues.flows.addBulk(flows);
  }
  const seconds = (performance.now() - started) / 1000;
  const after = await usedMemory(redis);

  const rate = count / seconds;
  const perImage = (after - before) / count;
  const first = benchPayload(run, 0);
  const sample = await queues.queue('fusion').getJob(imageIdOf(first.source, 'etag:'.padEnd(37, '0'), first.models, first.out));
  console.log(`flows: ${count} images (3 jobs each) in ${seconds.toFixed(2)} s with addBulk batches of ${batch}`);
  console.log(`  creation rate      ${rate.toFixed(0)} images/s   (target ≥ 1500: ${(rate / 1500).toFixed(2)}×)`);
  console.log(
    `  memory per image   ${perImage.toFixed(0)} B   (target ≤ 3072 B: ${(perImage / 3072).toFixed(2)} of it; used_memory +${((after - before) / 1e6).toFixed(1)} MB)`,
  );
  console.log(`  fusion payload     ${sample ? JSON.stringify(sample.data).length : NaN} B of JSON`);
  const listpack = (await redis.config('GET', 'hash-max-listpack-value')) as string[];
  console.log(
    `  redis hash-max-listpack-value = ${listpack[1]}: job hashes hold values over it as hashtables (≈1.4× the memory);` +
      ' 1024 keeps them compact (see the README / docker-compose Redis settings).',
  );
  await queues.close();
  await deleteKeys(redis, prefix);
  await redis.quit();
}

await main();
