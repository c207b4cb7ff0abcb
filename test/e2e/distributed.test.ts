/**
 * The distributed pipeline end to end: ingest, unet-worker, maskrcnn-worker and fusion-worker as
 * separate OS processes (the built services, real models) on the real Redis and a real S3 server
 * (s3rver), with the source, the work store and the results in S3.
 *
 * One suite, one setup, tests in order (each builds on the previous run):
 *  1. a run of N good phantom images (8-bit PNG, 16-bit PNG, JPEG) and three bad files, during
 *     which a busy U-Net worker gets SIGTERM and a busy Mask R-CNN worker gets SIGKILL (each is
 *     replaced): every good image has its three results exactly once, the bad ones failed with
 *     readable reasons, and /metrics counts them;
 *  2. re-submitting the same source queues no inference and reports the skipped count;
 *  3. a new U-Net version (same weights, bumped manifest) recomputes;
 *  4. `vertxnet run` (one process, local files) gives the same labels pixel for pixel.
 *
 * Size: E2E_IMAGES good images (default 40, at most 560 px a side); the whole file takes about 3 minutes on
 * 2 CPU cores.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { QueueEvents } from 'bullmq';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunFileSchema } from '@vertxnet/pipeline';
import { TEST_REDIS_URL } from '../helpers/redis.js';
import { imageCounts, listKeys, parseMetric, runCli } from './helpers/cluster.js';
import {
  closeCluster,
  getObject,
  openCluster,
  pngBitDepth,
  retire,
  shippedVersion,
  start,
  waitForObject,
  writeSource,
  type Cluster,
} from './helpers/distributed.js';

const GOOD = Number(process.env.E2E_IMAGES ?? '40');
const SHUTDOWN_TIMEOUT_MS = 8_000;
/** The bad files and what their failure reason must say. */
const BAD: Record<string, RegExp> = { 'bad-truncated.png': /truncated|corrupt/i, 'bad-empty.png': /empty|0 bytes/i, 'bad-text.png': /not an image|text/i };

let c: Cluster;

function cliArgs(...args: string[]): string[] {
  return [...args, '--redis', TEST_REDIS_URL, '--prefix', c.prefix];
}

async function statusJson(run: string): Promise<{
  run: { listed: number };
  counts: { done: number; failed: number; skipped: number; queued: number; active: number };
  finished: boolean;
  failures: Array<{ stage: string; source: string; reason: string }>;
}> {
  const res = await runCli(cliArgs('status', run, '--json'));
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout);
}

function runIdOf(stdout: string): string {
  const id = /run (\S+) submitted/.exec(stdout)?.[1];
  expect(id, stdout).toBeDefined();
  return id!;
}

beforeAll(async () => {
  c = await openCluster(SHUTDOWN_TIMEOUT_MS);
  await writeSource(c, GOOD);
  await Promise.all((['ingest', 'unet-worker', 'maskrcnn-worker', 'fusion-worker'] as const).map((name) => start(c, name)));
}, 180_000);

afterAll(async () => {
  if (!c) return;
  await closeCluster(c);
});

describe.sequential('distributed pipeline: four service processes, Redis, S3 (s3rver)', () => {
  it('the source set holds 8-bit PNGs, 16-bit PNGs and JPEGs', async () => {
    const kinds = new Set<string>();
    for (const name of c.goodNames) {
      const bytes = await readFile(join(c.sourceDir, name));
      kinds.add(name.endsWith('.png') ? `png${pngBitDepth(bytes)}` : 'jpeg');
    }
    expect([...kinds].sort()).toEqual(['jpeg', 'png16', 'png8']);
  });

  it(`labels ${GOOD} images from S3 to S3 exactly once, through a SIGTERM of a busy U-Net worker and a SIGKILL of a busy Mask R-CNN worker`, async () => {
    const connection = { url: TEST_REDIS_URL };
    const unetEvents = new QueueEvents('unet', { connection, prefix: c.prefix });
    const maskEvents = new QueueEvents('maskrcnn', { connection, prefix: c.prefix });
    await Promise.all([unetEvents.waitUntilReady(), maskEvents.waitUntilReady()]);
    try {
      // SIGTERM the U-Net worker as soon as it is busy; it finishes (or hands back) and exits 0.
      const unetBusy = new Promise<void>((resolve) => unetEvents.once('active', () => resolve()));
      // SIGKILL the Mask R-CNN worker once two images went through it and it has the next one.
      let maskCompleted = 0;
      const maskBusyLater = new Promise<string>((resolve) => {
        maskEvents.on('completed', () => void maskCompleted++);
        maskEvents.on('active', ({ jobId }) => {
          if (maskCompleted >= 2) resolve(jobId);
        });
      });

      const submitted = runCli(cliArgs('submit', 's3://src/set/', '--out', 's3://out/results', '--wait'));

      await unetBusy;
      const oldUnet = c.services['unet-worker']!;
      const replacementUnet = start(c, 'unet-worker');
      const termed = await retire(c, oldUnet, 'SIGTERM');
      expect(termed.code).toBe(0);
      expect(termed.ms).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 4_000);
      // 'closed': its active jobs finished before the deadline (else 'timed-out': handed back through stalled-job recovery).
      expect(oldUnet.logs.find((l) => l.msg === 'stopped')?.outcome).toMatch(/^(closed|timed-out)$/);
      await replacementUnet;

      const killedJob = await maskBusyLater;
      const oldMask = c.services['maskrcnn-worker']!;
      const killed = await retire(c, oldMask, 'SIGKILL');
      expect(killed.signal).toBe('SIGKILL');
      await start(c, 'maskrcnn-worker');

      const result = await submitted;
      expect(result.code, result.stderr).toBe(2); // the three bad images failed: exit 2, some failed
      c.firstRun = runIdOf(result.stdout);
      expect(killedJob).toMatch(/-maskrcnn$/);
    } finally {
      await Promise.all([unetEvents.close(), maskEvents.close()]);
    }

    const status = await statusJson(c.firstRun);
    expect(status.finished).toBe(true);
    expect(status.run.listed).toBe(GOOD + 3);
    expect(status.counts).toMatchObject({ done: GOOD, failed: 3, skipped: 0, queued: 0, active: 0 });

    // The three bad files failed at prepare with readable reasons; nothing else failed.
    expect(status.failures, JSON.stringify(status.failures, null, 1)).toHaveLength(3);
    for (const f of status.failures) {
      expect(f.stage).toBe('prepare');
      expect(f.source).toMatch(/bad-(truncated|empty|text)\.png$/);
      expect(f.reason.length).toBeGreaterThan(10);
      expect(f.reason).not.toMatch(/^(Error|undefined|\[object)/);
    }
    expect(new Set(status.failures.map((f) => f.source.replace(/.*\//, '')))).toEqual(new Set(Object.keys(BAD)));
    for (const f of status.failures) expect(f.reason, f.source).toMatch(BAD[f.source.replace(/.*\//, '')]!);

    // Every good image: result.json, labels.png, overlay.png, overlay-small.jpg, once; nothing for the bad ones.
    const keys = await listKeys(c.s3.client, 'out', 'results/');
    const perImage = new Map<string, string[]>();
    for (const key of keys) {
      const [, folder, file] = key.split('/');
      if (file === undefined) continue;
      perImage.set(folder!, [...(perImage.get(folder!) ?? []), file]);
    }
    expect([...perImage.keys()].sort()).toEqual([...c.goodNames].sort());
    for (const files of perImage.values()) expect(files.sort()).toEqual(['labels.png', 'overlay-small.jpg', 'overlay.png', 'result.json']);
    expect(new Set(keys).size).toBe(keys.length);

    // Metrics: fusion wrote each result once (one fusion worker, never restarted); prepare counted
    // the three bad inputs; the model stages together did each image at least once.
    const fusion = await imageCounts(c.services['fusion-worker']!.url);
    expect(fusion['fusion/succeeded']).toBe(GOOD);
    expect(fusion['fusion/failed_transient'] ?? 0).toBe(0);
    const ingest = await imageCounts(c.services['ingest']!.url);
    expect(ingest['prepare/failed_input']).toBe(3);
    expect(ingest['prepare/succeeded']).toBe(GOOD);
    const total = async (key: string) =>
      [...c.retired, await imageCounts(c.services['unet-worker']!.url), await imageCounts(c.services['maskrcnn-worker']!.url)].reduce(
        (sum, counts) => sum + (counts[key] ?? 0),
        0,
      );
    // (The SIGTERM'd U-Net worker finished its batch after its counts were read, so no lower bound for unet.)
    expect(await total('unet/succeeded')).toBeGreaterThan(0);
    expect(await total('maskrcnn/succeeded')).toBeGreaterThanOrEqual(GOOD - 1);
    expect(await total('unet/failed_input')).toBe(0);
    expect(await total('maskrcnn/failed_input')).toBe(0);

    // Once the run is finished, ingest writes run.json, summary.csv, vertebrae.csv and coco.json beside the results
    // (just after `--wait` returns, so give it a few seconds).
    const runJson = await waitForObject(c, 'out', 'results/run.json', (body) => JSON.parse(body).id === c.firstRun, 30_000);
    const report = RunFileSchema.parse(JSON.parse(runJson));
    expect(report).toMatchObject({ mode: 'distributed', state: 'finished' });
    expect(report.counts).toMatchObject({ succeeded: GOOD, failed: 3 });
    expect(report.failures).toHaveLength(3);
    for (const f of report.failures) expect(f.reason, f.source).toMatch(BAD[f.source.replace(/.*\//, '')]!);
    const csv = (await getObject(c, 'out', 'results/summary.csv')).toString('utf8').trimEnd().split('\n');
    // A row per labelled image, and one per failed image with its status and reason.
    expect(csv).toHaveLength(GOOD + 3 + 1);
    const header = csv[0]!.split(',');
    const failedRows = csv.slice(1).filter((line) => line.split(',')[header.indexOf('status')] === 'failed');
    expect(failedRows.map((line) => line.split(',')[0] ?? '').sort()).toEqual(Object.keys(BAD).sort());
    // A row per vertebra of the labelled images, none for the failed ones.
    const vertebrae = (await getObject(c, 'out', 'results/vertebrae.csv')).toString('utf8').trimEnd().split('\n');
    expect(vertebrae[0]).toMatch(/^image,level,verse_code,score,anterior_height,middle_height,posterior_height,unit,/);
    expect(vertebrae.length).toBeGreaterThan(GOOD * 3);
    expect([...new Set(vertebrae.slice(1).map((line) => line.split(',')[0] ?? ''))].sort()).toEqual([...c.goodNames].sort());
    const coco = JSON.parse((await getObject(c, 'out', 'results/coco.json')).toString('utf8')) as {
      images: Array<{ file_name: string }>;
      annotations: unknown[];
    };
    expect(coco.images.map((i) => i.file_name)).toEqual([...c.goodNames].sort());
    expect(coco.annotations.length).toBeGreaterThan(0);
  }, 300_000);

  it('each service exports, after that run, the metrics operations watch, with values from the run', async () => {
    expect(c.firstRun).toBeDefined();
    const scrape = async (name: string) => (await fetch(`${c.services[name as keyof typeof c.services]!.url}/metrics`)).text();
    const value = (text: string, metric: string, labels: Record<string, string> = {}) =>
      [...parseMetric(text, metric)].filter(([l]) => Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`))).reduce((sum, [, v]) => sum + v, 0);
    const ingest = await scrape('ingest');
    expect(value(ingest, 'vertxnet_images_total', { stage: 'prepare', outcome: 'succeeded' })).toBe(GOOD);
    expect(value(ingest, 'vertxnet_images_total', { stage: 'prepare', outcome: 'failed_input' })).toBe(3);
    expect(value(ingest, 'vertxnet_stage_duration_seconds_count', { stage: 'prepare' })).toBeGreaterThanOrEqual(GOOD);
    for (const queue of ['prepare', 'unet', 'maskrcnn', 'fusion'])
      for (const state of ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'waiting-children'])
        expect(
          [...parseMetric(ingest, 'vertxnet_queue_jobs').keys()].some((l) => l.includes(`queue="${queue}"`) && l.includes(`state="${state}"`)),
          `${queue}/${state}`,
        ).toBe(true);
    expect(value(ingest, 'vertxnet_queue_jobs', { queue: 'prepare', state: 'failed' })).toBe(3);
    for (const [service, model] of [
      ['unet-worker', 'unet'],
      ['maskrcnn-worker', 'maskrcnn'],
    ] as const) {
      const text = await scrape(service);
      expect(value(text, 'vertxnet_model_info', { model, version: shippedVersion(model) }), `${service} model_info`).toBe(1);
      expect(value(text, 'vertxnet_model_load_seconds', { model })).toBeGreaterThan(0);
      // the replacement workers started mid-run, so they ran some of the images, not all
      const runs = value(text, 'vertxnet_inference_duration_seconds_count', { model });
      const images = value(text, 'vertxnet_inference_batch_size_sum', { model });
      expect(images, `${service} images through inference`).toBeGreaterThan(0);
      expect(runs).toBeGreaterThan(0);
      expect(runs).toBeLessThanOrEqual(images);
      expect(value(text, 'process_resident_memory_bytes')).toBeGreaterThan(50e6);
    }
    const fusion = await scrape('fusion-worker');
    expect(value(fusion, 'vertxnet_stage_duration_seconds_count', { stage: 'fusion' })).toBe(GOOD);
    expect(value(fusion, 'vertxnet_stage_duration_seconds_sum', { stage: 'fusion' })).toBeGreaterThan(0);
    expect(fusion).toMatch(/^# TYPE vertxnet_qc_flags_total counter$/m);
    expect(value(fusion, 'vertxnet_qc_flags_total')).toBeGreaterThanOrEqual(0);
  });

  it('re-submitting the same source queues no inference and reports how many were already done', async () => {
    expect(c.firstRun).toBeDefined();
    const before = {
      unet: await imageCounts(c.services['unet-worker']!.url),
      maskrcnn: await imageCounts(c.services['maskrcnn-worker']!.url),
      fusion: await imageCounts(c.services['fusion-worker']!.url),
    };
    const connection = { url: TEST_REDIS_URL };
    const watchers = ['unet', 'maskrcnn'].map((q) => new QueueEvents(q, { connection, prefix: c.prefix }));
    await Promise.all(watchers.map((w) => w.waitUntilReady()));
    const modelEvents: string[] = [];
    for (const w of watchers)
      for (const e of ['added', 'waiting', 'active'] as const) w.on(e, ({ jobId }: { jobId: string }) => modelEvents.push(`${e}:${jobId}`));
    try {
      const res = await runCli(cliArgs('submit', 's3://src/set/', '--out', 's3://out/results', '--wait'));
      expect(res.code, res.stderr).toBe(2); // the bad images fail again; the good ones count as results
      expect(res.stdout).toContain(`already done (skipped): ${GOOD}`);
      const status = await statusJson(runIdOf(res.stdout));
      expect(status.counts).toMatchObject({ done: 0, skipped: GOOD, failed: 3 });
    } finally {
      await Promise.all(watchers.map((w) => w.close()));
    }
    expect(modelEvents).toEqual([]);
    expect(await imageCounts(c.services['unet-worker']!.url)).toEqual(before.unet);
    expect(await imageCounts(c.services['maskrcnn-worker']!.url)).toEqual(before.maskrcnn);
    expect(await imageCounts(c.services['fusion-worker']!.url)).toEqual(before.fusion);
  }, 120_000);

  it('a new U-Net version recomputes (the image with the old models is still skipped)', async () => {
    const modelDir = join(c.tmp, 'unet-0.1.1');
    await cp('models/unet', modelDir, { recursive: true });
    const manifestPath = join(modelDir, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { version: string };
    expect(manifest.version).toBe(shippedVersion('unet'));
    expect(manifest.version).not.toBe('0.1.1');
    await writeFile(manifestPath, JSON.stringify({ ...manifest, version: '0.1.1' }, null, 2));

    await retire(c, c.services['unet-worker']!, 'SIGTERM');
    await start(c, 'unet-worker', { MODEL_DIR: modelDir, UNET_MODEL: 'vertxnet-unet@0.1.1' });
    const unetBefore = await imageCounts(c.services['unet-worker']!.url);

    const one = c.goodNames[0]!;
    const again = await runCli(cliArgs('submit', `s3://src/set/${one}`, '--out', 's3://out/results', '--wait'));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('already done (skipped): 1');

    const newer = await runCli(cliArgs('submit', `s3://src/set/${one}`, '--out', 's3://out/results', '--unet-model', 'vertxnet-unet@0.1.1', '--wait'));
    expect(newer.code, newer.stderr).toBe(0);
    expect(newer.stdout).toContain('already done (skipped): 0');
    const status = await statusJson(runIdOf(newer.stdout));
    expect(status.counts).toMatchObject({ done: 1, skipped: 0, failed: 0 });
    const unetAfter = await imageCounts(c.services['unet-worker']!.url);
    expect((unetAfter['unet/succeeded'] ?? 0) - (unetBefore['unet/succeeded'] ?? 0)).toBe(1);

    const result = JSON.parse((await getObject(c, 'out', `results/${one}/result.json`)).toString('utf8')) as {
      models: { unet: { version: string }; maskrcnn: { version: string } };
    };
    expect(result.models.unet.version).toBe('0.1.1');
    expect(result.models.maskrcnn.version).toBe(shippedVersion('maskrcnn'));
  }, 120_000);

  it('`vertxnet run` on the same files gives the same labels, pixel for pixel', async () => {
    const out = join(c.tmp, 'local-out');
    const res = await runCli(['run', c.sourceDir, '--out', out, '--json']);
    const report = JSON.parse(res.stdout) as { counts: { images: number; succeeded: number; failed: number } };
    expect(report.counts).toMatchObject({ images: GOOD + 3, succeeded: GOOD, failed: 3 });
    let differing = 0;
    for (const name of c.goodNames) {
      const local = PNG.sync.read(await readFile(join(out, name, 'labels.png')));
      const remote = PNG.sync.read(await getObject(c, 'out', `results/${name}/labels.png`));
      expect([remote.width, remote.height]).toEqual([local.width, local.height]);
      if (!Buffer.from(local.data).equals(Buffer.from(remote.data))) differing++;
      const levels = (json: string) => (JSON.parse(json) as { vertebrae: Array<{ level: string }> }).vertebrae.map((v) => v.level);
      expect(levels((await getObject(c, 'out', `results/${name}/result.json`)).toString('utf8')), name).toEqual(
        levels(await readFile(join(out, name, 'result.json'), 'utf8')),
      );
    }
    expect(differing).toBe(0);
  }, 240_000);
});
