/**
 * A synthetic manifest streamed through the bounded backlog, end to end: the paced producer lists
 * `count` keys (1,000,000 by default), no-op handlers complete every stage (prepare, U-Net,
 * Mask R-CNN, fusion) in this process. Prints images/s end to end, the most images in flight
 * against MAX_PENDING, and peak Redis memory against the bound the backlog implies.
 * Run: npx tsx bench/backlog.ts [--count 1000000] [--max-pending 1000] [--batch 200] [--concurrency 50]
 */
import {
  DoneRecords,
  ImageFlows,
  JobWorker,
  PipelineKeys,
  PipelineQueues,
  RunEvents,
  RunStore,
  connectRedis,
  produceRun,
  stageProcessor,
  type ListedImage,
  type StageHandlers,
} from '../packages/shared/src/index.js';
import { benchPrefix, deleteKeys, option, usedMemory } from './redis-memory.js';

const count = option('count', 1_000_000);
const maxPending = option('max-pending', 1_000);
const batchSize = option('batch', 200);
const concurrency = option('concurrency', 50);
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const models = { unet: 'vertxnet-unet@1.0.0+3f2a9c1b7d4e', maskrcnn: 'vertxnet-maskrcnn@1.0.0+9e8d7c6b5a41' };

/** The manifest: keys generated on demand, so the listing itself holds no memory. */
async function* syntheticListing(_source: string, cursor: string | undefined): AsyncGenerator<ListedImage> {
  for (let i = cursor === undefined ? 0 : Number(cursor) + 1; i < count; i++) {
    const n = String(i).padStart(7, '0');
    yield { uri: `s3://cohort-archive/site-a/lateral-spine/img-${n}.dcm`, result: `site-a__lateral-spine__img-${n}.dcm`, cursor: String(i) };
  }
}

const handlers: StageHandlers = {
  prepare: async (job) => ({ image: `images/${job.result}.png`, width: 2048, height: 2500, identity: `etag:${job.source}` }),
  unet: async (job) => ({ foreground: `foreground/${job.image}.bin` }),
  maskrcnn: async (job) => ({ instances: `instances/${job.image}.bin` }),
  fuse: async (job) => ({ result: `${job.result}/result.json`, summary: {} }),
};

const redis = connectRedis(url);
const subscriber = connectRedis(url);
const prefix = benchPrefix();
const keys = new PipelineKeys(prefix);
const runs = new RunStore(redis, keys);
const done = new DoneRecords(redis, keys);
const queues = new PipelineQueues(redis, prefix);
const events = new RunEvents(subscriber, keys);
const run = 'r-backlog';
await runs.create({ id: run, source: 's3://cohort-archive/manifest.csv', out: 's3://vertxnet-results/site-a', models });
const workers = [
  new JobWorker('prepare', stageProcessor('prepare', handlers, { runs, done, flows: new ImageFlows(queues) }), { connection: redis, prefix, concurrency, runs }),
  new JobWorker('unet', stageProcessor('unet', handlers, undefined), { connection: redis, prefix, concurrency, runs }),
  new JobWorker('maskrcnn', stageProcessor('maskrcnn', handlers, undefined), { connection: redis, prefix, concurrency, runs }),
  new JobWorker('fusion', stageProcessor('fusion', handlers, { runs, done }), { connection: redis, prefix, concurrency, runs }),
];
const baseline = await usedMemory(redis);
let peakMemory = baseline;
let peakInFlight = 0;
const samples: Array<{ used: number; done: number }> = [];
let lastLine = 0;
const started = performance.now();
// A measurement tick (sampling INFO and the backlog size), not a wait for state.
const sampler = setInterval(() => {
  void (async () => {
    const used = await usedMemory(redis);
    peakMemory = Math.max(peakMemory, used);
    const snapshot = await runs.snapshot(run);
    samples.push({ used, done: snapshot?.run.done ?? 0 });
    peakInFlight = Math.max(peakInFlight, snapshot?.inFlight ?? 0);
    const seconds = (performance.now() - started) / 1000;
    if (snapshot && seconds - lastLine >= 10) {
      lastLine = seconds;
      process.stderr.write(`  ${seconds.toFixed(0)} s: ${snapshot.run.done} done, ${snapshot.inFlight} in flight\n`);
    }
  })();
}, 250);

for (const w of workers) w.start();
const finished = new Promise<void>((resolve) => {
  const check = async () => {
    const snapshot = await runs.snapshot(run);
    if (snapshot && snapshot.run.listingDone && snapshot.inFlight === 0) resolve();
  };
  void events.subscribe(run, () => void check());
});
await produceRun(run, { runs, done, queues, events, listSource: syntheticListing }, { maxPending, batchSize, quietMs: 30_000 }, new AbortController().signal);
await finished;
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
const final = await runs.get(run);
const afterRun = await usedMemory(redis);
await deleteKeys(redis, `${prefix}:done:`);
const doneRecordBytes = (afterRun - (await usedMemory(redis))) / count;

const boundBytes = maxPending * 3072;
// What the backlog itself held: memory over the start less the done-records written so far.
const peakBacklog = Math.max(...samples.map((x) => x.used - baseline - x.done * doneRecordBytes));
console.log(`backlog: ${count} synthetic images, MAX_PENDING ${maxPending}, batches of ${batchSize}, ${concurrency} jobs at once per stage, one process`);
console.log(`  finished           ${final?.done} done, ${final?.failed} failed in ${seconds.toFixed(1)} s = ${(count / seconds).toFixed(0)} images/s end to end`);
console.log(`  most in flight     ${peakInFlight} (bound ${maxPending}: ${(peakInFlight / maxPending).toFixed(2)})`);
console.log(`  peak used_memory   +${((peakMemory - baseline) / 1e6).toFixed(1)} MB over the start, done-records included`);
console.log(
  `  peak backlog       ≈${(peakBacklog / 1e6).toFixed(1)} MB without done-records ` +
    `(bound ${maxPending} × 3 KB = ${(boundBytes / 1e6).toFixed(1)} MB; ratio ${(peakBacklog / boundBytes).toFixed(2)})`,
);
console.log(`  after the run      +${((afterRun - baseline) / 1e6).toFixed(1)} MB, of which done-records ${doneRecordBytes.toFixed(0)} B per image (grow with the cohort, by design: they are what makes a re-run skip)`);

await Promise.all(workers.map((w) => w.close(10_000)));
await queues.close();
await deleteKeys(redis, prefix);
subscriber.disconnect();
await redis.quit();
