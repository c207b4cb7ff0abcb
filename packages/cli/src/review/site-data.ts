import { flagVocabulary, levelVocabulary, reviewOrder, type ReviewDetail, type ReviewItem } from './cards.js';

/** Details per data page: a page is one script the detail view loads, a few hundred kB at most. */
export const DEFAULT_PAGE_SIZE = 500;

/** The run as the page's header shows it, and the id the reviewer's marks are saved under. */
export interface ReviewRun {
  id: string;
  source: string;
  finishedAt?: string;
  /** Base URL of the ingest API that stores the marks (POST /runs/:id/marks), for a distributed run. */
  api?: string;
}

/**
 * One card in data/index.js, in review order: short keys, since a 100,000-image run has 100,000
 * of them and the page filters them all without loading a data page.
 */
export interface IndexCard {
  /** Name. */
  n: string;
  /** Confidence; absent for a failed image. */
  c?: number;
  /** View: an index into `views`, -1 when unknown. */
  v: number;
  /** Flags: indices into `flags`. */
  f: number[];
  /** Levels: indices into `levels`, cranial to caudal. */
  l: number[];
  /** 1 when the image failed. */
  x?: 1;
  /** 1 when review/thumbs/<name>.jpg was written. */
  t?: 1;
}

/** data/index.js: everything the grid and the filters need; details are in data/page-NNNN.js. */
export interface ReviewIndex {
  run: ReviewRun;
  builtAt: string;
  pageSize: number;
  pages: number;
  views: string[];
  flags: string[];
  levels: string[];
  cards: IndexCard[];
  failures: { name: string; source: string; reason: string }[];
}

/** The review page's data: the index and the detail pages, items in review order. */
export interface ReviewData {
  index: ReviewIndex;
  /** pages[k] holds the details of cards k·pageSize … (k+1)·pageSize − 1. */
  pages: ReviewDetail[][];
}

/** Sorts the items into review order and splits them into the index and detail pages. */
export function buildReviewData(
  run: ReviewRun,
  items: readonly ReviewItem[],
  opts: { pageSize?: number; builtAt?: string; thumbnails?: ReadonlySet<string> } = {},
): ReviewData {
  const pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!(Number.isInteger(pageSize) && pageSize > 0)) throw new RangeError(`page size must be a whole number > 0, not ${pageSize}`);
  const sorted = [...items].sort(reviewOrder);
  const views = ['cervical', 'lumbar'];
  for (const item of sorted) if (item.view !== null && !views.includes(item.view)) views.push(item.view);
  const flags = flagVocabulary(sorted);
  const levels = levelVocabulary(sorted);
  const flagIndex = new Map(flags.map((f, i) => [f, i]));
  const levelIndex = new Map(levels.map((l, i) => [l, i]));
  const cards = sorted.map((item): IndexCard => ({
    n: item.name,
    ...(item.confidence !== undefined ? { c: item.confidence } : {}),
    v: item.view === null ? -1 : views.indexOf(item.view),
    f: item.flags.map((f) => flagIndex.get(f)!),
    l: item.levels.map((l) => levelIndex.get(l)!),
    ...(item.failure !== undefined ? { x: 1 as const } : {}),
    ...(opts.thumbnails?.has(item.name) ? { t: 1 as const } : {}),
  }));
  const pages: ReviewDetail[][] = [];
  for (let i = 0; i < sorted.length; i += pageSize) pages.push(sorted.slice(i, i + pageSize).map((item) => item.detail));
  const failures = sorted.flatMap((item) => (item.failure !== undefined ? [{ name: item.name, source: item.source, reason: item.failure }] : []));
  return {
    index: { run, builtAt: opts.builtAt ?? new Date().toISOString(), pageSize, pages: pages.length, views, flags, levels, cards, failures },
    pages,
  };
}

/** File name of detail page k (0-based), under review/data/. */
export function pageFileName(k: number): string {
  return `page-${String(k + 1).padStart(4, '0')}.js`;
}

/**
 * The index as a script that assigns a global: the page opens from file://, where fetch() of a
 * neighbouring JSON file is refused, but a <script src> is not.
 */
export function indexScript(index: ReviewIndex): string {
  return `window.VERTXNET_REVIEW = ${scriptJson(index)};\n`;
}

/** Detail page k as a script that files its details under window.VERTXNET_REVIEW_PAGES[k]. */
export function pageScript(k: number, details: readonly ReviewDetail[]): string {
  return `(window.VERTXNET_REVIEW_PAGES = window.VERTXNET_REVIEW_PAGES || {})[${k}] = ${scriptJson(details)};\n`;
}

/** JSON that is safe inside a script: no `</script>`, no line separators a JS parser would choke on. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
