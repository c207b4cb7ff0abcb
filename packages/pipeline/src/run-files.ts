import { buildCocoRun, summaryCsvFailedRow, summaryCsvHeader, summaryCsvRow, vertebraeCsvHeader, vertebraeCsvRows, type ImageResult } from '@vertxnet/fusion';
import type { View } from '@vertxnet/core';
import { joinKey, type Storage } from '@vertxnet/storage';
import { modelOfRef, writeRunFile, type RunFile } from './run-file.js';

const RESULT_FILE = 'result.json';

/** One image that did not make it through a run, as run.json lists it. */
export type RunFileFailure = RunFile['failures'][number];

/** What the ingest service knows of a finished distributed run, for its run.json. */
export interface RunFilesInput {
  id: string;
  source: string;
  out: string;
  startedAt: string;
  finishedAt: string;
  view?: View;
  /** Model references ('name@version') the run asked for. */
  models: { unet: string; maskrcnn: string };
  /** The run record's counts: images listed, skipped as already done, done, failed, files left out. */
  counts: { listed: number; skipped: number; done: number; failed: number; leftOut: number };
  failures: RunFileFailure[];
  /** Files of the source the listing did not take (not images, links), with the reason. */
  leftOut: { key: string; reason: string }[];
}

/** A distributed run's record in the one run.json shape (run-file.ts). */
export function distributedRunFile(run: RunFilesInput): RunFile {
  const { listed, skipped, done, failed, leftOut } = run.counts;
  const seconds = Math.max(0, (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000);
  return {
    id: run.id,
    mode: 'distributed',
    source: run.source,
    out: run.out,
    state: 'finished',
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    seconds,
    imagesPerSecond: seconds > 0 ? Math.round((done / seconds) * 1000) / 1000 : 0,
    options: run.view ? { view: run.view } : {},
    models: { unet: modelOfRef(run.models.unet), maskrcnn: modelOfRef(run.models.maskrcnn) },
    counts: {
      images: listed,
      succeeded: done + skipped,
      failed,
      resumed: skipped,
      notStarted: Math.max(0, listed - done - skipped - failed),
      skippedFiles: leftOut,
    },
    failures: [...run.failures].sort((a, b) => byName(a.name ?? a.source, b.name ?? b.source)),
    skipped: run.leftOut,
    notes: [],
  };
}

/**
 * The file name an image has in the run COCO: its key relative to the source, recovered from the
 * result folder's name (resultName joins the key's parts with '__').
 */
export function cocoFileName(name: string): string {
  return name.split('__').join('/');
}

/** Result folders under `out` that hold a result.json, sorted by name. */
export async function listResultNames(out: Storage): Promise<string[]> {
  const names: string[] = [];
  for await (const obj of out.list('')) {
    if (obj.key === RESULT_FILE || !obj.key.endsWith(`/${RESULT_FILE}`)) continue;
    names.push(obj.key.slice(0, -(RESULT_FILE.length + 1)));
  }
  return names.sort(byName);
}

/**
 * Writes the per-run summary.csv (one row per image, sorted by name), vertebrae.csv (one row per
 * vertebra, images in name order) and coco.json (image ids
 * 1..n in name order) from the result.json of each named result folder under `out` (default:
 * every result folder there); `failures` add summary rows with status failed and the reason.
 * The one implementation behind the local and the distributed runs.
 */
export async function writeRunSummaries(
  out: Storage,
  names?: string[],
  failures: { name: string; source: string; reason: string }[] = [],
): Promise<{ images: number }> {
  const sorted = [...(names ?? (await listResultNames(out)))].sort(byName);
  const rows: { name: string; row: string }[] = [];
  const vertebraRows: string[] = [];
  const cocoImages: Parameters<typeof buildCocoRun>[0] = [];
  for (const [i, name] of sorted.entries()) {
    const result = JSON.parse((await out.get(joinKey(name, RESULT_FILE))).toString('utf8')) as ImageResult;
    rows.push({ name, row: summaryCsvRow(result, name) });
    vertebraRows.push(...vertebraeCsvRows(result, name));
    cocoImages.push({ id: i + 1, fileName: cocoFileName(name), width: result.image.width, height: result.image.height, result });
  }
  for (const f of failures) rows.push({ name: f.name, row: summaryCsvFailedRow(f.name, f.source, f.reason) });
  rows.sort((a, b) => byName(a.name, b.name));
  await out.put('summary.csv', [summaryCsvHeader(), ...rows.map((r) => r.row)].join('\n') + '\n', { contentType: 'text/csv' });
  await out.put('vertebrae.csv', [vertebraeCsvHeader(), ...vertebraRows].join('\n') + '\n', { contentType: 'text/csv' });
  await out.put('coco.json', JSON.stringify(buildCocoRun(cocoImages)), { contentType: 'application/json' });
  return { images: sorted.length };
}

/**
 * The files of a finished distributed run: summary.csv, vertebrae.csv and coco.json over every result folder in
 * `out`, and run.json. Idempotent: writing them again for the same run gives the same content
 * (but for coco.json's creation time).
 */
export async function writeRunFiles(out: Storage, run: RunFilesInput): Promise<void> {
  // A failed image gets its summary row too (where its job carried the result name).
  const failedRows = run.failures.flatMap((f) => (f.name !== undefined ? [{ name: f.name, source: f.source, reason: f.reason }] : []));
  await writeRunSummaries(out, undefined, failedRows);
  await writeRunFile(out, distributedRunFile(run));
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
