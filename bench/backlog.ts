/**
 * A synthetic manifest streamed through the bounded backlog, end to end: the paced producer lists
 * `count` keys (1,000,000 by default), no-op handlers complete every stage (prepare, U-Net,
 * Mask R-CNN, fusion) in this process. Prints images/s end to end, the most images in flight
 * against MAX_PENDING, and, from MEMORY USAGE of every key sampled about once a second: the peak
 * memory of the keys that grow with the backlog against MAX_PENDING × 3 KB, the fixed keys
 * (streams, metadata, counters) apart, and the done-records per image; used_memory beside them.
 * Run: npx tsx bench/backlog.ts [--count 1000000] [--max-pending 1000] [--batch 200] [--concurrency 50]
 */
import { ImageFlows, JobWorker, produceRun, stageProcessor, type ListedImage, type StageHandlers } from '../packages/queue/src/index.js';
import { breakdownTable, bytesOf, keyBreakdown, openBenchPipeline, option, redisSettings, usedMemory, type KeyGroupUsage } from './redis-util.js';

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

const pipeline = openBenchPipeline(url);
const { redis, prefix, runs, done, queues, events } = pipeline;
const run = 'r-backlog';
await runs.create({ id: run, source: 's3://cohort-archive/manifest.csv', out: 's3://vertxnet-results/site-a', models });
const workers = [
  new JobWorker('prepare', stageProcessor('prepare', handlers, { runs, done, flows: new ImageFlows(queues) }), {
    connection: redis,
    prefix,
    concurrency,
    runs,
  }),
  new JobWorker('unet', stageProcessor('unet', handlers, undefined), { connection: redis, prefix, concurrency, runs }),
  new JobWorker('maskrcnn', stageProcessor('maskrcnn', handlers, undefined), { connection: redis, prefix, concurrency, runs }),
  new JobWorker('fusion', stageProcessor('fusion', handlers, { runs, done, queues }), { connection: redis, prefix, concurrency, runs }),
];
const baseline = await usedMemory(redis);
/** One sample: MEMORY USAGE of every key by kind, and used_memory (which also holds allocator and client buffers). */
interface Sample {
  seconds: number;
  used: number;
  pending: number;
  fixed: number;
  done: number;
  inFlight: number;
  doneImages: number;
  groups: KeyGroupUsage[];
}
const samples: Sample[] = [];
let peakInFlight = 0;
let lastLine = 0;
let running = true;
const started = performance.now();
// A measurement loop (sampling the keys and the backlog size), not a wait for state.
const sampler = (async () => {
  while (running) {
    const [groups, used, snapshot] = await Promise.all([keyBreakdown(redis, prefix), usedMemory(redis), runs.snapshot(run)]);
    const seconds = (performance.now() - started) / 1000;
    const inFlight = snapshot?.inFlight ?? 0;
    peakInFlight = Math.max(peakInFlight, inFlight);
    samples.push({
      seconds,
      used,
      pending: bytesOf(groups, 'pending'),
      fixed: bytesOf(groups, 'fixed'),
      done: bytesOf(groups, 'done'),
      inFlight,
      doneImages: snapshot?.run.done ?? 0,
      groups,
    });
    if (seconds - lastLine >= 30) {
      lastLine = seconds;
      const last = samples[samples.length - 1]!;
      process.stderr.write(
        `  ${seconds.toFixed(0)} s: ${last.doneImages} done, ${inFlight} in flight, backlog keys ${(last.pending / 1e6).toFixed(2)} MB, fixed ${(last.fixed / 1e6).toFixed(2)} MB, done-records ${(last.done / 1e6).toFixed(1)} MB\n`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
})();

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
running = false;
await sampler;
const final = await runs.get(run);
const end = await keyBreakdown(redis, prefix);
const afterRun = await usedMemory(redis);

const boundBytes = maxPending * 3072;
const peak = samples.reduce((a, b) => (b.pending > a.pending ? b : a));
const peakFixed = Math.max(...samples.map((x) => x.fixed));
// used_memory over the start, less the done-records at that moment: everything else the run held.
const peakUsed = samples.reduce((a, b) => (b.used - b.done > a.used - a.done ? b : a));
const doneBytes = bytesOf(end, 'done');
console.log(`backlog: ${count} synthetic images, MAX_PENDING ${maxPending}, batches of ${batchSize}, ${concurrency} jobs at once per stage, one process`);
console.log(`  ${await redisSettings(redis)}; ${samples.length} samples of every key's MEMORY USAGE, about one a second`);
console.log(
  `  finished            ${final?.done} done, ${final?.failed} failed in ${seconds.toFixed(1)} s = ${(count / seconds).toFixed(0)} images/s end to end`,
);
console.log(`  most in flight      ${peakInFlight} (bound ${maxPending}: ${(peakInFlight / maxPending).toFixed(2)})`);
console.log(
  `  backlog, peak       ${(peak.pending / 1e6).toFixed(2)} MB with ${peak.inFlight} in flight at ${peak.seconds.toFixed(0)} s ` +
    `(bound ${maxPending} × 3 KB = ${(boundBytes / 1e6).toFixed(2)} MB; ratio ${(peak.pending / boundBytes).toFixed(2)}; ` +
    `${(peak.pending / Math.max(1, peak.inFlight)).toFixed(0)} B per image in flight)`,
);
console.log(
  `  fixed, peak         ${(peakFixed / 1e6).toFixed(2)} MB (event streams, queue metadata, run record, throughput counters: do not grow with cohort or backlog)`,
);
console.log(
  `  used_memory, peak   +${((peakUsed.used - baseline - peakUsed.done) / 1e6).toFixed(2)} MB over the start less done-records, at ${peakUsed.seconds.toFixed(0)} s ` +
    `(backlog + fixed + main-dict growth, allocator and client buffers)`,
);
console.log(
  `  done-records        ${(doneBytes / 1e6).toFixed(1)} MB = ${(doneBytes / count).toFixed(1)} B per image (grow with the cohort, by design: they make a re-submission skip)`,
);
console.log(`  after the run       used_memory +${((afterRun - baseline) / 1e6).toFixed(1)} MB over the start`);
console.log(`  keys at the backlog peak:`);
console.log(breakdownTable(peak.groups, { count: Math.max(1, peak.inFlight), label: 'per image in flight' }));

await Promise.all(workers.map((w) => w.close(10_000)));
await pipeline.close();
