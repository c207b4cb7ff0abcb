import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import {
  InputError,
  LocalStorage,
  createBatcher,
  loadModel,
  openStorage,
  type InferenceLogger,
  type ModelProvenance,
  type View,
} from '@vertxnet/shared';
import { writeRunSummaries } from './run-files.js';
import { listSource, resultName, type SourceItem } from './sources.js';
import type { StorageOptions } from './stages/context.js';
import { fuseStage } from './stages/fuse.js';
import { prepareImage } from './stages/prepare.js';
import { detectStage, segmentStage } from './stages/segment.js';

export interface LocalRunOptions {
  /** Folder, single file, manifest CSV or s3:// prefix. */
  source: string;
  /** Output folder (or s3:// prefix). */
  out: string;
  /** Model folders (each with model.onnx + manifest.json). */
  models: { unet: string; maskrcnn: string };
  /** View for every image, when the caller knows it. */
  view?: View;
  /** Images in flight at once. @defaultValue 2 */
  concurrency?: number;
  s3?: StorageOptions;
  maxPixels?: number;
  logger?: InferenceLogger;
  onProgress?: (progress: RunProgress) => void;
}

export interface RunProgress {
  total: number;
  done: number;
  failed: number;
  /** Result name of the image that just finished. */
  last?: string;
}

export interface ImageFailure {
  name: string;
  source: string;
  reason: string;
}

export interface RunReport {
  id: string;
  source: string;
  out: string;
  startedAt: string;
  finishedAt: string;
  seconds: number;
  imagesPerSecond: number;
  options: { view?: View; concurrency: number };
  models: { unet: ModelProvenance; maskrcnn: ModelProvenance };
  counts: { images: number; succeeded: number; failed: number };
  failures: ImageFailure[];
}

/**
 * Runs the whole pipeline in this process: the same stage functions the services bind to BullMQ,
 * called directly, with a temporary folder as the work store. No Redis, no S3 needed.
 */
export async function runLocal(options: LocalRunOptions): Promise<RunReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const out = openStorage(options.out, options.s3);
  const [unet, maskrcnn] = await Promise.all([
    loadModel(options.models.unet, options.logger ? { logger: options.logger } : {}),
    loadModel(options.models.maskrcnn, options.logger ? { logger: options.logger } : {}),
  ]);
  const unetRunner = createBatcher(unet, { maxBatch: concurrency, maxWaitMs: 2 });
  const maskrcnnRunner = createBatcher(maskrcnn, { maxBatch: 1, maxWaitMs: 0 });
  const workDir = await mkdtemp(join(tmpdir(), 'vertxnet-run-'));
  const work = new LocalStorage(workDir);
  const models = { unet: unet.provenance, maskrcnn: maskrcnn.provenance };

  const items: SourceItem[] = [];
  for await (const item of listSource(options.source, options.s3 ? { s3: options.s3 } : {})) items.push(item);

  const summaries: { name: string }[] = [];
  const failures: ImageFailure[] = [];
  const progress: RunProgress = { total: items.length, done: 0, failed: 0 };
  options.onProgress?.({ ...progress });

  const processOne = async (item: SourceItem): Promise<void> => {
    const name = resultName(item.key);
    const view = item.view ?? options.view;
    try {
      if (item.rejected) throw new InputError(item.rejected);
      const t0 = performance.now();
      const prepared = await prepareImage(
        { work, ...(options.s3 ? { s3: options.s3 } : {}), ...(options.maxPixels ? { maxPixels: options.maxPixels } : {}) },
        { source: item.uri, ...(item.etag ? { etag: item.etag } : {}), ...(view ? { view } : {}) },
      );
      const t1 = performance.now();
      const [fg, inst] = await Promise.all([
        segmentStage({ work, runner: unetRunner }, { image: prepared.image }),
        detectStage({ work, runner: maskrcnnRunner }, { image: prepared.image }),
      ]);
      const t2 = performance.now();
      await fuseStage(
        { work, out },
        {
          source: item.uri,
          name,
          image: prepared.image,
          foreground: fg.foreground,
          instances: inst.instances,
          models,
          ...(prepared.view ? { view: prepared.view } : {}),
          ...(prepared.dicom?.pixelSpacing ? { pixelSpacing: prepared.dicom.pixelSpacing } : {}),
          ...(prepared.dicom ? { dicom: prepared.dicom } : {}),
          timings: { prepare: Math.round(t1 - t0), models: Math.round(t2 - t1) },
        },
      );
      summaries.push({ name });
      progress.done++;
    } catch (err) {
      failures.push({ name, source: item.uri, reason: readableReason(err) });
      progress.failed++;
    }
    options.onProgress?.({ ...progress, last: name });
  };

  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, items.length) }, async () => {
        while (next < items.length) await processOne(items[next++]!);
      }),
    );
  } finally {
    await Promise.all([unetRunner.close(), maskrcnnRunner.close()]);
    await Promise.all([unet.close(), maskrcnn.close()]);
    await rm(workDir, { recursive: true, force: true });
  }

  // summary.csv and coco.json over this run's succeeded images (the distributed run writes them the same way).
  await writeRunSummaries(out, summaries.map((s) => s.name));
  const seconds = (performance.now() - started) / 1000;
  const report: RunReport = {
    id: randomUUID(),
    source: options.source,
    out: out.uri,
    startedAt,
    finishedAt: new Date().toISOString(),
    seconds: Math.round(seconds * 1000) / 1000,
    imagesPerSecond: Math.round((progress.done / seconds) * 1000) / 1000,
    options: { ...(options.view ? { view: options.view } : {}), concurrency },
    models,
    counts: { images: items.length, succeeded: progress.done, failed: progress.failed },
    failures: failures.sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
  await out.put('run.json', JSON.stringify(report, null, 2), { contentType: 'application/json' });
  return report;
}

/** The message a person reads for a failed image: our own errors carry one; others get their class named. */
export function readableReason(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
