import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { InputError, type ModelProvenance, type View } from '@vertxnet/core';
import type { InferenceLogger } from '@vertxnet/inference';
import { LocalStorage, openStorage, parseStorageUri, type Storage } from '@vertxnet/storage';
import { claimOutFolder, type RunIdentity } from './earlier-run.js';
import { prepareLocalOutFolder } from './out-folder.js';
import { countTiffPages } from './tiff-pages.js';
import { writeRunFile, type RunFile } from './run-file.js';
import { writeRunSummaries } from './run-files.js';
import { listSource, resultName, type SkippedFile, type SourceItem } from './sources.js';
import type { StorageOptions } from './stages/context.js';
import { checkModel, openPipelineModels } from './stages/models.js';
import { retryTransient } from './transient-retry.js';
import { processImage, type ImageDeps } from './wiring.js';

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

/** What a local run returns: its run.json (the one schema of both modes, run-file.ts). */
export type RunReport = RunFile;

export interface ImageNote {
  key: string;
  note: string;
}

/**
 * Runs the whole pipeline in this process: the same stage wiring the services bind to BullMQ,
 * called directly, with a temporary folder as the work store. No Redis, no S3 needed. Both model
 * folders are checked first (manifest, weights hash), so that a missing or unusable model stops
 * the run in one line before it touches `out`; the sessions are started only when there is work.
 */
export async function runLocal(options: LocalRunOptions): Promise<RunReport> {
  const unet = await checkModel('unet', options.models.unet);
  const maskrcnn = await checkModel('maskrcnn', options.models.maskrcnn);
  const models = { unet: provenanceOf(unet), maskrcnn: provenanceOf(maskrcnn) };
  const concurrency = Math.max(1, options.concurrency ?? 2);
  return runChecked({ ...options, concurrency, executionProviders: options.executionProviders ?? ['cpu'] }, models);
}

type RunSettings = LocalRunOptions & { concurrency: number; executionProviders: string[] };

async function runChecked(options: RunSettings, models: RunIdentity['models']): Promise<RunReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const source = parseStorageUri(options.source);
  const sourceId = source.kind === 'local' ? source.rootDir : options.source;
  const outLocation = parseStorageUri(options.out);
  if (outLocation.kind === 'local') await prepareLocalOutFolder(outLocation.rootDir, await localFolder(sourceId, source.kind));
  const out = openStorage(options.out, options.s3);
  const { items, skipped } = await listItems(options);
  const notes = await imageNotes(items);
  const identity: RunIdentity = { source: sourceId, models, ...(options.view ? { view: options.view } : {}) };
  const { done } = await claimOutFolder(out, identity, options.overwrite ? { overwrite: true } : {});

  const report: RunReport = {
    id: randomUUID(),
    mode: 'local',
    source: sourceId,
    out: out.uri,
    state: 'running',
    startedAt,
    finishedAt: startedAt,
    seconds: 0,
    imagesPerSecond: 0,
    options: { ...(options.view ? { view: options.view } : {}), concurrency: options.concurrency, executionProviders: options.executionProviders },
    models,
    counts: { images: items.length, succeeded: 0, failed: 0, resumed: 0, notStarted: items.length, skippedFiles: skipped.length },
    failures: [],
    skipped,
    notes,
  };
  // Written first so that a run killed outright is still recognised, and resumed, by the next one.
  await writeReport(out, report);
  const outcome = await processAll(items, done, options, out);
  // summary.csv, vertebrae.csv and coco.json over every image of the run with a result, and a row per failure.
  await writeRunSummaries(out, outcome.succeeded, outcome.failures);
  const seconds = (performance.now() - started) / 1000;
  const { progress } = outcome;
  const notStarted = items.length - progress.done - progress.failed;
  const finished: RunReport = {
    ...report,
    // Aborted after the last image had started: nothing is missing, the run is finished.
    state: options.signal?.aborted && notStarted > 0 ? 'interrupted' : 'finished',
    finishedAt: new Date().toISOString(),
    seconds: Math.round(seconds * 1000) / 1000,
    imagesPerSecond: Math.round(((progress.done - progress.resumed) / seconds) * 1000) / 1000,
    counts: { images: items.length, succeeded: progress.done, failed: progress.failed, resumed: progress.resumed, notStarted, skippedFiles: skipped.length },
    failures: outcome.failures.sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
  await writeReport(out, finished);
  return finished;
}

/** Every item of the source, and the files it left out. The person running this reads their own files: links to files are followed. */
async function listItems(options: RunSettings): Promise<{ items: SourceItem[]; skipped: SkippedFile[] }> {
  const skipped: SkippedFile[] = [];
  const items: SourceItem[] = [];
  const listing = { ...(options.s3 ? { s3: options.s3 } : {}), followLinks: true, onSkipped: (file: SkippedFile) => skipped.push(file) };
  for await (const item of listSource(options.source, listing)) items.push(item);
  return { items, skipped };
}

interface RunOutcome {
  succeeded: string[];
  failures: ImageFailure[];
  progress: RunProgress;
}

/** Counts the images an earlier run finished, then runs the others, `concurrency` at a time. */
async function processAll(items: SourceItem[], done: Set<string>, options: RunSettings, out: Storage): Promise<RunOutcome> {
  const outcome: RunOutcome = { succeeded: [], failures: [], progress: { total: items.length, done: 0, failed: 0, resumed: 0 } };
  const { progress } = outcome;
  const todo: SourceItem[] = [];
  for (const item of items) {
    if (done.has(resultName(item.key))) {
      outcome.succeeded.push(resultName(item.key));
      progress.done++;
      progress.resumed++;
    } else todo.push(item);
  }
  options.onProgress?.({ ...progress });
  if (todo.length === 0 || options.signal?.aborted) return outcome;
  await processImages(todo, options, out, {
    onDone: (name) => {
      outcome.succeeded.push(name);
      progress.done++;
      options.onProgress?.({ ...progress, last: name });
    },
    onFailed: (failure) => {
      outcome.failures.push(failure);
      progress.failed++;
      options.onProgress?.({ ...progress, last: failure.name });
    },
  });
  return outcome;
}

interface ImageOutcomes {
  onDone(name: string): void;
  onFailed(failure: ImageFailure): void;
}

/** Loads the models, then runs each image through the stages (processImage), `concurrency` at a time, over a temporary work store. */
async function processImages(items: SourceItem[], options: RunSettings, out: Storage, outcomes: ImageOutcomes): Promise<void> {
  const models = await openPipelineModels(options.models, {
    executionProviders: options.executionProviders,
    unetBatch: options.concurrency,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const workDir = await mkdtemp(join(tmpdir(), 'vertxnet-run-')).catch(async (err: unknown) => {
    await models.close();
    throw err;
  });
  const image: ImageDeps = {
    work: new LocalStorage(workDir),
    ...(options.s3 ? { s3: options.s3 } : {}),
    ...(options.maxPixels ? { maxPixels: options.maxPixels } : {}),
    out,
    models: models.runners,
  };
  const processOne = async (item: SourceItem): Promise<void> => {
    const name = resultName(item.key);
    const view = item.view ?? options.view;
    try {
      if (item.rejected) throw new InputError(item.rejected);
      // A storage fault (the S3 source or --out not answering, a slow-down) is retried before the
      // image is counted failed: every stage rewrites the same keys, so a whole try is idempotent.
      const input = { source: item.uri, name, ...(item.etag ? { etag: item.etag } : {}), ...(view ? { view } : {}) };
      await retryTransient(() => processImage(image, input), {
        ...(options.signal ? { signal: options.signal } : {}),
        onRetry: (err, attempt, delayMs) => options.logger?.warn({ image: name, attempt, delayMs, err: err.message }, 'storage fault: image tried again'),
      });
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
    await models.close();
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
  await writeRunFile(out, report);
}

/** The message a person reads for a failed image: our own errors carry one; others get their class named. */
export function readableReason(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
