/**
 * U-Net micro-batching: images/s of segmentForeground through the worker's runner (openModelRunner:
 * the model behind a batcher, exactly what unet-worker builds from MAX_BATCH / MAX_BATCH_WAIT_MS)
 * with MAX_BATCH 1, 4 and 8, always with the same number of jobs in flight (the worker's
 * CONCURRENCY), on the same canonical phantom images held in memory (no storage in the timing).
 *
 * Run: npm run build && npx tsx bench/batching.ts [--concurrency 8] [--images 32] [--batches 1,4,8] [--wait-ms 5]
 * Prints a table, then one JSON document.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { writePhantomSet } from '@vertxnet/phantom';
import { segmentForeground } from '@vertxnet/inference';
import { LocalStorage } from '@vertxnet/storage';
import { listSource, openModelRunner, prepareImage, readCanonical, type GrayImage } from '@vertxnet/pipeline';

const { values: args } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '8' },
    images: { type: 'string', default: '32' },
    batches: { type: 'string', default: '1,4,8' },
    'wait-ms': { type: 'string', default: '5' },
    distinct: { type: 'string', default: '8' },
    models: { type: 'string', default: 'models' },
  },
});
const concurrency = Number(args.concurrency);
const total = Number(args.images);
const round = (v: number, digits = 2): number => Number(v.toFixed(digits));

async function canonicalImages(tmp: string, n: number): Promise<GrayImage[]> {
  await writePhantomSet({ out: join(tmp, 'phantoms'), count: n, seed: 23, format: 'mix', maxSide: 640 });
  const work = new LocalStorage(join(tmp, 'work'));
  const images: GrayImage[] = [];
  for await (const item of listSource(join(tmp, 'phantoms', 'images'))) {
    const prepared = await prepareImage({ work }, { source: item.uri });
    images.push(await readCanonical(work, prepared.image));
  }
  return images;
}

async function main(): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'vertxnet-bench-batching-'));
  try {
    const images = await canonicalImages(tmp, Number(args.distinct));
    console.log(
      `U-Net, ${total} images per case, ${concurrency} in flight, MAX_BATCH_WAIT_MS ${args['wait-ms']}; ${availableParallelism()} CPUs, load ${loadavg()[0]!.toFixed(1)}`,
    );
    const cases: Array<{ maxBatch: number; seconds: number; imagesPerSecond: number; meanBatch: number }> = [];
    for (const maxBatch of args.batches.split(',').map(Number)) {
      const sizes: number[] = [];
      const { model, runner } = await openModelRunner({ dir: resolve(args.models, 'unet'), maxBatch, maxWaitMs: Number(args['wait-ms']) });
      // openModelRunner has no hook for batch sizes without a registry; wrap the model's run to see them.
      const run = model.run.bind(model);
      model.run = ((inputs: Parameters<typeof run>[0]) => {
        sizes.push(inputs.length);
        return run(inputs);
      }) as typeof model.run;
      try {
        await segmentForeground(runner, images[0]!.data, images[0]!.width, images[0]!.height); // warm-up
        sizes.length = 0;
        let next = 0;
        const started = performance.now();
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (next < total) {
              const img = images[next++ % images.length]!;
              await segmentForeground(runner, img.data, img.width, img.height);
            }
          }),
        );
        const seconds = (performance.now() - started) / 1000;
        const c = {
          maxBatch,
          seconds: round(seconds),
          imagesPerSecond: round(total / seconds),
          meanBatch: round(sizes.reduce((a, b) => a + b, 0) / sizes.length),
        };
        cases.push(c);
        console.log(
          `MAX_BATCH ${String(maxBatch).padStart(2)}: ${c.imagesPerSecond.toFixed(2).padStart(6)} images/s (${total} in ${c.seconds} s, mean batch ${c.meanBatch}, dynamic batch axis: ${model.manifest.input.dynamicBatch})`,
        );
      } finally {
        await runner.close();
        await model.close();
      }
    }
    const base = cases.find((c) => c.maxBatch === 1);
    const ratios = Object.fromEntries(cases.map((c) => [`batch${c.maxBatch}_vs_batch1`, base ? round(c.imagesPerSecond / base.imagesPerSecond, 3) : null]));
    for (const [k, v] of Object.entries(ratios)) console.log(`${k}: ${v}`);
    console.log(
      JSON.stringify(
        { concurrency, imagesPerCase: total, machine: { cpus: availableParallelism(), loadAverage1m: round(loadavg()[0]!) }, cases, ratios },
        null,
        2,
      ),
    );
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

await main();
