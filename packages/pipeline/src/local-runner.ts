import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import {
  InputError,
  LocalStorage,
  createBatcher,
  loadModel,
  openStorage,
  parseStorageUri,
  readModelManifest,
  type InferenceLogger,
  type ModelProvenance,
  type Storage,
  type View,
} from '@vertxnet/shared';
import { claimOutFolder, type RunIdentity } from './earlier-run.js';
import { prepareLocalOutFolder } from './out-folder.js';
import { countTiffPages } from './tiff-pages.js';
import { writeRunSummaries } from './run-files.js';
import { listSource, resultName, type SkippedFile, type SourceItem } from './sources.js';
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
  /** onnxruntime execution providers in order of preference (cpu is always added last). @defaultValue ['cpu'] */
  executionProviders?: string[];
  /** Replace an earlier run in `out` instead of refusing it (a reused folder of the same run is resumed without it). */
  overwrite?: boolean;
  /** When aborted, no further image is started; those in flight finish and run.json records what is done. */
  signal?: AbortSignal;
  s3?: StorageOptions;
  maxPixels?: number;
  logger?: InferenceLogger;
  onProgress?: (progress: RunProgress) => void;
}

export interface RunProgress {
  total: number;
  /** Images with a result, those resumed from an earlier run included. */
  done: number;
  failed: number;
  /** Images whose result an earlier run of the same source and models had written. */
  resumed: number;
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
  /** The source as an absolute location (a reused output folder is resumed only for the same one). */
  source: string;
  out: string;
  /** running while images are processed (what a crash leaves); interrupted when stopped early. */
  state: 'running' | 'finished' | 'interrupted';
  startedAt: string;
  finishedAt: string;
  seconds: number;
  imagesPerSecond: number;
  options: { view?: View; concurrency: number; executionProviders: string[] };
  models: { unet: ModelProvenance; maskrcnn: ModelProvenance };
  /** succeeded counts the resumed images too: every image with a result. */
  counts: { images: number; succeeded: number; failed: number; resumed: number; notStarted: number; skippedFiles: number };
  failures: ImageFailure[];
  /** Files of the source that were not taken as images, with the reason. */
  skipped: SkippedFile[];
  /** Images taken with a remark, e.g. a multi-page TIFF of which only the first page is analysed. */
  notes: ImageNote[];
}

export interface ImageNote {
  key: string;
  note: string;
}

/**
 * Runs the whole pipeline in this process: the same stage functions the services bind to BullMQ,
 * called directly, with a temporary folder as the work store. No Redis, no S3 needed.
 */
export async function runLocal(options: LocalRunOptions): Promise<RunReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const executionProviders = options.executionProviders ?? ['cpu'];
  const source = parseStorageUri(options.source);
  const sourceId = source.kind === 'local' ? source.rootDir : options.source;
  const outLocation = parseStorageUri(options.out);
  if (outLocation.kind === 'local') await prepareLocalOutFolder(outLocation.rootDir, await localFolder(sourceId, source.kind));
  const out = openStorage(options.out, options.s3);

  const skipped: SkippedFile[] = [];
  const items: SourceItem[] = [];
  // The person running this reads their own files: links to files are followed.
  const listing = { ...(options.s3 ? { s3: options.s3 } : {}), followLinks: true, onSkipped: (file: SkippedFile) => skipped.push(file) };
  for await (const item of listSource(options.source, listing)) items.push(item);
  const notes = await imageNotes(items);

  const [unetManifest, maskrcnnManifest] = await Promise.all([readModelManifest(options.models.unet), readModelManifest(options.models.maskrcnn)]);
  const models = { unet: provenanceOf(unetManifest), maskrcnn: provenanceOf(maskrcnnManifest) };
  const identity: RunIdentity = { source: sourceId, models, ...(options.view ? { view: options.view } : {}) };
  const { done } = await claimOutFolder(out, identity, options.overwrite ? { overwrite: true } : {});

  const report: RunReport = {
    id: randomUUID(),
    source: sourceId,
    out: out.uri,
    state: 'running',
    startedAt,
    finishedAt: startedAt,
    seconds: 0,
    imagesPerSecond: 0,
    options: { ...(options.view ? { view: options.view } : {}), concurrency, executionProviders },
    models,
    counts: { images: items.length, succeeded: 0, failed: 0, resumed: 0, notStarted: items.length, skippedFiles: skipped.length },
    failures: [],
    skipped,
    notes,
  };
  // Written first so that a run killed outright is still recognised, and resumed, by the next one.
  await writeReport(out, report);

  const succeeded: string[] = [];
  const failures: ImageFailure[] = [];
  const progress: RunProgress = { total: items.length, done: 0, failed: 0, resumed: 0 };
  const todo: SourceItem[] = [];
  for (const item of items) {
    if (done.has(resultName(item.key))) {
      succeeded.push(resultName(item.key));
      progress.done++;
      progress.resumed++;
    } else todo.push(item);
  }
  options.onProgress?.({ ...progress });
  if (todo.length > 0 && !options.signal?.aborted) {
    await processImages(todo, { ...options, concurrency, executionProviders }, out, {
      onDone: (name) => {
        succeeded.push(name);
        progress.done++;
        options.onProgress?.({ ...progress, last: name });
      },
      onFailed: (failure) => {
        failures.push(failure);
        progress.failed++;
        options.onProgress?.({ ...progress, last: failure.name });
      },
    });
  }

  // summary.csv, vertebrae.csv and coco.json over every image of the run with a result, and a row per failure.
  await writeRunSummaries(out, succeeded, failures);
  const seconds = (performance.now() - started) / 1000;
  const notStarted = items.length - progress.done - progress.failed;
  const finished: RunReport = {
    ...report,
    // Aborted after the last image had started: nothing is missing, the run is finished.
    state: options.signal?.aborted && notStarted > 0 ? 'interrupted' : 'finished',
    finishedAt: new Date().toISOString(),
    seconds: Math.round(seconds * 1000) / 1000,
    imagesPerSecond: Math.round(((progress.done - progress.resumed) / seconds) * 1000) / 1000,
    counts: {
      images: items.length,
      succeeded: progress.done,
      failed: progress.failed,
      resumed: progress.resumed,
      notStarted,
      skippedFiles: skipped.length,
    },
    failures: failures.sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
  await writeReport(out, finished);
  return finished;
}

interface ImageOutcomes {
  onDone(name: string): void;
  onFailed(failure: ImageFailure): void;
}

/** Loads the models, then runs each image through prepare → U-Net + Mask R-CNN → fusion, `concurrency` at a time. */
async function processImages(
  items: SourceItem[],
  options: LocalRunOptions & { concurrency: number; executionProviders: string[] },
  out: Storage,
  outcomes: ImageOutcomes,
): Promise<void> {
  const loadOptions = { executionProviders: options.executionProviders, ...(options.logger ? { logger: options.logger } : {}) };
  const [unet, maskrcnn] = await Promise.all([loadModel(options.models.unet, loadOptions), loadModel(options.models.maskrcnn, loadOptions)]);
  const unetRunner = createBatcher(unet, { maxBatch: options.concurrency, maxWaitMs: 2 });
  const maskrcnnRunner = createBatcher(maskrcnn, { maxBatch: 1, maxWaitMs: 0 });
  const workDir = await mkdtemp(join(tmpdir(), 'vertxnet-run-'));
  const work = new LocalStorage(workDir);
  const models = { unet: unet.provenance, maskrcnn: maskrcnn.provenance };

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
      outcomes.onDone(name);
    } catch (err) {
      outcomes.onFailed({ name, source: item.uri, reason: readableReason(err) });
    }
  };

  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(options.concurrency, items.length) }, async () => {
        while (next < items.length && !options.signal?.aborted) await processOne(items[next++]!);
      }),
    );
  } finally {
    await Promise.all([unetRunner.close(), maskrcnnRunner.close()]);
    await Promise.all([unet.close(), maskrcnn.close()]);
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The source folder, when the source is a local folder (not a single file or a manifest). */
async function localFolder(path: string, kind: 'local' | 's3'): Promise<string | undefined> {
  if (kind !== 'local') return undefined;
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new InputError(`source ${path} does not exist`);
  return info.isDirectory() ? path : undefined;
}

/** Remarks on local TIFF files with more than one page: the first is analysed, the others are not. */
async function imageNotes(items: SourceItem[]): Promise<ImageNote[]> {
  const notes: ImageNote[] = [];
  for (const item of items) {
    if (!/\.tiff?$/i.test(item.key) || !item.uri.startsWith('file:')) continue;
    const pages = await countTiffPages(fileURLToPath(item.uri)).catch(() => undefined);
    if (pages !== undefined && pages > 1) notes.push({ key: item.key, note: `TIFF with ${pages} pages: only the first is analysed` });
  }
  return notes;
}

function provenanceOf(manifest: ModelProvenance): ModelProvenance {
  return { name: manifest.name, version: manifest.version, sha256: manifest.sha256 };
}

async function writeReport(out: Storage, report: RunReport): Promise<void> {
  await out.put('run.json', JSON.stringify(report, null, 2), { contentType: 'application/json' });
}

/** The message a person reads for a failed image: our own errors carry one; others get their class named. */
export function readableReason(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
