/**
 * Pipeline efficiency: images/s of the distributed pipeline (the four built services as separate
 * processes on this machine, Redis queues, local folders as work and out stores so S3 is not
 * measured) ÷ images/s of a plain loop in one process calling the same stage code on the same
 * images (decode → segmentForeground → detectInstances → fuse → write results), one image at a time.
 * Model loading is outside both timings: the loop times from its first image, the pipeline from
 * the submit (services already ready) to the run's last image.
 *
 * Run: npm run build && npx tsx bench/pipeline.ts [--images 20] [--max-side 560] [--seed 11]
 * Needs Redis at REDIS_URL. Prints a table, then one JSON document.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { writePhantomSet } from '@vertxnet/phantom';
import { loadModel } from '@vertxnet/inference';
import { LocalStorage } from '@vertxnet/storage';
import { DEFAULT_MODELS, submitRun } from '@vertxnet/queue';
import { detectStage, fuseStage, listSource, prepareImage, resultName, segmentStage } from '@vertxnet/pipeline';
import { openTestPipeline } from '../test/e2e/helpers/pipeline.js';
import { startPipelineServices } from '../test/e2e/helpers/services.js';

const { values: args } = parseArgs({
  options: {
    images: { type: 'string', default: '20' },
    'max-side': { type: 'string', default: '560' },
    seed: { type: 'string', default: '11' },
    models: { type: 'string', default: 'models' },
  },
});
const count = Number(args.images);
const round = (v: number, digits = 2): number => Number(v.toFixed(digits));

/** The plain loop: the same stage functions, called in order, one image at a time, models called directly. */
async function plainLoop(source: string, tmp: string): Promise<{ images: number; seconds: number; imagesPerSecond: number; loadSeconds: number }> {
  const t0 = performance.now();
  const [unet, maskrcnn] = await Promise.all([loadModel(resolve(args.models, 'unet')), loadModel(resolve(args.models, 'maskrcnn'))]);
  const loadSeconds = (performance.now() - t0) / 1000;
  const work = new LocalStorage(join(tmp, 'loop-work'));
  const out = new LocalStorage(join(tmp, 'loop-out'));
  const models = { unet: unet.provenance, maskrcnn: maskrcnn.provenance };
  let images = 0;
  const started = performance.now();
  try {
    for await (const item of listSource(source)) {
      const prepared = await prepareImage({ work }, { source: item.uri });
      const { foreground } = await segmentStage({ work, runner: unet }, { image: prepared.image });
      const { instances } = await detectStage({ work, runner: maskrcnn }, { image: prepared.image });
      await fuseStage({ work, out }, { source: item.uri, name: resultName(item.key), image: prepared.image, foreground, instances, models });
      images++;
    }
  } finally {
    await Promise.all([unet.close(), maskrcnn.close()]);
  }
  const seconds = (performance.now() - started) / 1000;
  return { images, seconds: round(seconds), imagesPerSecond: round(images / seconds, 3), loadSeconds: round(loadSeconds) };
}

/** The distributed pipeline: the four services (default settings) on a fresh queue prefix. */
async function distributed(
  source: string,
  tmp: string,
): Promise<{ images: number; failed: number; seconds: number; imagesPerSecond: number; startSeconds: number }> {
  const pipeline = await openTestPipeline();
  const t0 = performance.now();
  // The run reads and writes local folders, which ingest allows only when told to.
  const local = pathToFileURL(tmp).href;
  const cluster = await startPipelineServices({
    QUEUE_PREFIX: pipeline.prefix,
    WORK_URI: join(tmp, 'dist-work'),
    ALLOWED_SOURCES: local,
    ALLOWED_OUTPUTS: local,
  });
  const startSeconds = (performance.now() - t0) / 1000;
  try {
    const started = performance.now();
    const run = await submitRun({ source, out: join(tmp, 'dist-out'), models: { ...DEFAULT_MODELS } }, pipeline);
    const finished = await pipeline.waitForRun(run.id);
    const seconds = (performance.now() - started) / 1000;
    return {
      images: finished.done,
      failed: finished.failed,
      seconds: round(seconds),
      imagesPerSecond: round(finished.done / seconds, 3),
      startSeconds: round(startSeconds),
    };
  } finally {
    await cluster.stopAll();
    await pipeline.close();
  }
}

async function main(): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'vertxnet-bench-pipeline-'));
  try {
    await writePhantomSet({ out: join(tmp, 'phantoms'), count, seed: Number(args.seed), format: 'mix', maxSide: Number(args['max-side']) });
    const source = join(tmp, 'phantoms', 'images');
    const machine = { cpus: availableParallelism(), loadAverage1mBefore: round(loadavg()[0]!) };
    console.log(`${count} phantom images (mix of 8/16-bit PNG and JPEG, ≤ ${args['max-side']} px); ${machine.cpus} CPUs, load ${machine.loadAverage1mBefore}`);

    const loop = await plainLoop(source, tmp);
    console.log(
      `plain loop (one process, one image at a time): ${loop.images} images in ${loop.seconds} s = ${loop.imagesPerSecond} images/s (model load ${loop.loadSeconds} s, not counted)`,
    );
    const dist = await distributed(source, tmp);
    console.log(
      `distributed (ingest + unet + maskrcnn + fusion processes, Redis, local stores): ${dist.images} images in ${dist.seconds} s = ${dist.imagesPerSecond} images/s ` +
        `(${dist.failed} failed; services started in ${dist.startSeconds} s, not counted)`,
    );
    const efficiency = round(dist.imagesPerSecond / loop.imagesPerSecond, 3);
    console.log(`pipeline efficiency = ${dist.imagesPerSecond} / ${loop.imagesPerSecond} = ${efficiency} (target ≥ 0.8)\n`);
    console.log(
      JSON.stringify({ images: count, machine: { ...machine, loadAverage1mAfter: round(loadavg()[0]!) }, loop, distributed: dist, efficiency }, null, 2),
    );
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

await main();
