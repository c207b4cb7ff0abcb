import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import type { ImageResult } from '@vertxnet/fusion';
import { itemFromFailure, itemFromResult, type ReviewItem } from './cards.js';
import { buildReviewData, indexScript, pageFileName, pageScript, type ReviewRun } from './site-data.js';

/** The folder `vertxnet review` writes into, inside the run. */
export const REVIEW_FOLDER = 'review';
/** Long side of a card's thumbnail. */
export const THUMBNAIL_LONG_SIDE = 256;
/** Overlays a card can show, best first: the small copy decodes in a fraction of the time. */
const OVERLAYS = ['overlay-small.jpg', 'overlay.png'] as const;
const ASSETS = fileURLToPath(new URL('../../assets/review/', import.meta.url));
const ASSET_FILES = ['index.html', 'review.css', 'review.js', 'review-detail.js', 'review-post.js'] as const;

/** The folder given is not a run this command can read: said in one line, exit code 1. */
export class ReviewInputError extends Error {
  override name = 'ReviewInputError';
}

export interface ReviewSiteOptions {
  /** Details per data page. @defaultValue DEFAULT_PAGE_SIZE */
  pageSize?: number;
  /** Files read and thumbnails made at once. @defaultValue availableParallelism() × 2 */
  concurrency?: number;
  /** The ingest API the page posts marks to (a distributed run): its base URL. */
  api?: string;
}

export interface ReviewSiteReport {
  /** Path of review/index.html. */
  index: string;
  images: number;
  failed: number;
  thumbnails: { written: number; reused: number };
  seconds: number;
}

/**
 * Writes the static review site of a local run into RUN/review/: index.html with its script and
 * style, a thumbnail per overlay (thumbs/), the cards and filters' data (data/index.js) and the
 * details in pages (data/page-NNNN.js). Thumbnails newer than their overlay are kept.
 */
export async function writeReviewSite(runDir: string, opts: ReviewSiteOptions = {}): Promise<ReviewSiteReport> {
  const started = performance.now();
  const runJson = await readRunJson(runDir);
  const concurrency = opts.concurrency ?? Math.max(2, availableParallelism() * 2);
  const reviewDir = join(runDir, REVIEW_FOLDER);
  const thumbsDir = join(reviewDir, 'thumbs');
  const dataDir = join(reviewDir, 'data');
  await mkdir(thumbsDir, { recursive: true });

  const folders = (await readdir(runDir, { withFileTypes: true })).filter((d) => d.isDirectory() && d.name !== REVIEW_FOLDER).map((d) => d.name);
  const items: ReviewItem[] = [];
  const thumbnails = new Set<string>();
  let written = 0;
  let reused = 0;
  await inPool(folders, concurrency, async (name) => {
    const found = await readResultFolder(join(runDir, name), name);
    if (!found) return;
    items.push(found.item);
    if (!found.overlay) return;
    const made = await thumbnail(join(runDir, name, found.overlay), join(thumbsDir, `${name}.jpg`));
    thumbnails.add(name);
    if (made) written++;
    else reused++;
  });
  const withResult = new Set(items.map((i) => i.name));
  for (const f of runJson.failures) if (!withResult.has(f.name)) items.push(itemFromFailure(f.name, f.source, f.reason));

  const run = { ...runJson.run, ...(opts.api !== undefined ? { api: opts.api } : {}) };
  const data = buildReviewData(run, items, { thumbnails, ...(opts.pageSize !== undefined ? { pageSize: opts.pageSize } : {}) });
  // The data of an earlier build goes: its pages would outlive a run with fewer images.
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  await writeFile(join(dataDir, 'index.js'), indexScript(data.index));
  await inPool(
    data.pages.map((details, k) => ({ details, k })),
    concurrency,
    ({ details, k }) => writeFile(join(dataDir, pageFileName(k)), pageScript(k, details)),
  );
  for (const file of ASSET_FILES) await copyFile(join(ASSETS, file), join(reviewDir, file));
  return {
    index: join(reviewDir, 'index.html'),
    images: items.length,
    failed: data.index.failures.length,
    thumbnails: { written, reused },
    seconds: (performance.now() - started) / 1000,
  };
}

interface RunJson {
  run: ReviewRun;
  failures: { name: string; source: string; reason: string }[];
}

/** run.json of a local or distributed run: its id, source, and each failure with its reason. */
async function readRunJson(runDir: string): Promise<RunJson> {
  let info;
  try {
    info = await stat(runDir);
  } catch {
    throw new ReviewInputError(`${runDir}: no such folder`);
  }
  if (!info.isDirectory()) throw new ReviewInputError(`${runDir} is not a folder (give the --out folder of a run)`);
  let text: string;
  try {
    text = await readFile(join(runDir, 'run.json'), 'utf8');
  } catch {
    throw new ReviewInputError(`${runDir} is not a run folder: it has no run.json (the --out folder of vertxnet run has one)`);
  }
  let parsed: { id?: unknown; source?: unknown; finishedAt?: unknown; failures?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new ReviewInputError(`${join(runDir, 'run.json')} is not valid JSON: is the run still writing it?`);
  }
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.id !== 'string') {
    throw new ReviewInputError(`${join(runDir, 'run.json')} is not a run's report: it has no run id`);
  }
  const failures = (Array.isArray(parsed.failures) ? (parsed.failures as Record<string, unknown>[]) : []).map((f) => {
    const source = typeof f.source === 'string' ? f.source : '';
    return { name: typeof f.name === 'string' ? f.name : source, source, reason: typeof f.reason === 'string' ? f.reason : 'no reason given' };
  });
  return {
    run: {
      id: parsed.id,
      source: typeof parsed.source === 'string' ? parsed.source : '',
      ...(typeof parsed.finishedAt === 'string' ? { finishedAt: parsed.finishedAt } : {}),
    },
    failures,
  };
}

/** A result folder's review item and the overlay its card shows; undefined for a folder without result.json. */
async function readResultFolder(folder: string, name: string): Promise<{ item: ReviewItem; overlay?: string } | undefined> {
  const files = new Set(await readdir(folder));
  if (!files.has('result.json')) return undefined;
  const overlay = OVERLAYS.find((f) => files.has(f));
  let result: ImageResult;
  try {
    result = JSON.parse(await readFile(join(folder, 'result.json'), 'utf8')) as ImageResult;
    if (!Array.isArray(result.vertebrae) || typeof result.qc?.confidence !== 'number') throw new Error('not a result');
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { item: itemFromFailure(name, '', `result.json unreadable: ${why}`) };
  }
  return { item: itemFromResult(name, result, overlay), ...(overlay ? { overlay } : {}) };
}

/** Writes the card's thumbnail unless one newer than the overlay is there; true when written. */
async function thumbnail(overlay: string, target: string): Promise<boolean> {
  const [src, dst] = await Promise.all([stat(overlay), stat(target).catch(() => undefined)]);
  if (dst && dst.mtimeMs >= src.mtimeMs) return false;
  await sharp(overlay).resize(THUMBNAIL_LONG_SIDE, THUMBNAIL_LONG_SIDE, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 70 }).toFile(target);
  return true;
}

async function inPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}
