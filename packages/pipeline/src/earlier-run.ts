import { rmdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ModelProvenance, View } from '@vertxnet/core';
import { LocalStorage, type Storage } from '@vertxnet/storage';
import { OutputFolderError } from './errors.js';
import { RUN_FILE, readRunFile, type RunFile } from './run-file.js';
import { listResultNames } from './run-files.js';

/** What makes two runs the same run: a reused output folder is resumed only for the same one. */
export interface RunIdentity {
  /** The source as an absolute location. */
  source: string;
  models: { unet: ModelProvenance; maskrcnn: ModelProvenance };
  view?: View;
}

/** Files a run writes at the top of its output folder. */
const RUN_FILES = new Set([RUN_FILE, 'summary.csv', 'vertebrae.csv', 'coco.json']);
/** The folder `vertxnet review` writes into the run: it describes the run's results, so it goes with them. */
const REVIEW_PREFIX = 'review/';
/** Files a run writes in each image's result folder. */
const RESULT_FILES = new Set(['result.json', 'labels.png', 'overlay.png', 'overlay-small.jpg', 'seg.dcm']);

/**
 * Decides what an output folder holds before a run writes to it. An earlier run of the same source
 * with the same models and view is resumed: the names of its complete results come back, to be
 * skipped. Results of another run (or of an unknown one) are refused, unless `overwrite`, which
 * removes every file a run writes so that summary.csv, coco.json and the result folders agree.
 */
export async function claimOutFolder(out: Storage, run: RunIdentity, opts: { overwrite?: boolean } = {}): Promise<{ done: Set<string> }> {
  if (opts.overwrite) {
    await clearRunFiles(out);
    return { done: new Set() };
  }
  // An unreadable run.json (another shape, or not JSON) is an unknown run: never resumed.
  const earlier = await readRunFile(out);
  const results = await listResultNames(out);
  if (earlier === undefined && results.length === 0) return { done: new Set() };
  if (earlier !== undefined && earlier !== 'unreadable' && isSameRun(earlier, run)) return { done: new Set(results) };
  const what =
    earlier === undefined
      ? `results of an earlier run (${results.length} image folders, no run.json)`
      : `an earlier run of ${earlier === 'unreadable' ? 'another source' : earlier.source} with other models or options`;
  throw new OutputFolderError(`--out ${out.uri} holds ${what}; pass --overwrite to replace it, or choose another --out`);
}

function isSameRun(earlier: RunFile, run: RunIdentity): boolean {
  return (
    earlier.source === run.source &&
    earlier.models.unet.sha256 === run.models.unet.sha256 &&
    earlier.models.maskrcnn.sha256 === run.models.maskrcnn.sha256 &&
    earlier.options.view === run.view
  );
}

/** Removes what runs (and `vertxnet review`) write, and only that: other files in the folder stay; then the emptied folders. */
async function clearRunFiles(out: Storage): Promise<void> {
  const doomed: string[] = [];
  for await (const obj of out.list('')) {
    const parts = obj.key.split('/');
    if ((parts.length === 1 && RUN_FILES.has(obj.key)) || (parts.length === 2 && RESULT_FILES.has(parts[1]!)) || obj.key.startsWith(REVIEW_PREFIX))
      doomed.push(obj.key);
  }
  for (const key of doomed) await out.delete(key);
  if (out instanceof LocalStorage) {
    // Deepest first, so that review/thumbs/ is gone before review/ is tried.
    const folders = [...new Set(doomed.filter((k) => k.includes('/')).map((k) => dirname(out.pathOf(k))))].sort((a, b) => b.length - a.length);
    for (const folder of folders) await rmdir(folder).catch(() => undefined); // left when it holds other files
  }
}
