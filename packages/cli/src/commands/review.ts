import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { DEFAULT_PAGE_SIZE } from '../review/site-data.js';
import { ReviewInputError, THUMBNAIL_LONG_SIDE, writeReviewSite } from '../review/write-site.js';

interface ReviewCliOptions {
  pageSize: number;
  api?: string;
  json?: boolean;
}

export function registerReview(program: Command): void {
  program
    .command('review')
    .description('Write a static review page into a run folder: RUN/review/index.html (open it in a browser; no server needed)')
    .argument('<run>', 'the --out folder of a run: a local folder holding run.json (a distributed run: copy it down first)')
    .option('--page-size <n>', 'image details per data file the page loads', (v) => Number.parseInt(v, 10), DEFAULT_PAGE_SIZE)
    .option('--api <url>', 'a distributed run: the ingest API the page posts marks to (POST /runs/:id/marks; the reviewer enters the API token)')
    .option('--json', 'print what was written as JSON')
    .addHelpText(
      'after',
      '\nRUN/review/ gets index.html, review.js, review-detail.js, review-post.js, review.css, thumbs/<image>.jpg (overlay thumbnails, long\n' +
        `side ${THUMBNAIL_LONG_SIDE} px; kept when newer than the overlay) and data/ (index.js with every card, page-NNNN.js with\n` +
        'the details), all loaded with <script> so that the page works from file:// and from a static website.\n' +
        'One card per image: thumbnail, view, confidence, levels, flags; failed images first, then those\n' +
        'flagged needs-review, then by ascending confidence. Filters by flag, view, level, failure and mark;\n' +
        'a detail view with the overlay, the measurements and a table per vertebra. Keys: j/k or arrows\n' +
        'move, Enter opens, Esc closes, w/r mark wrong/right, u unmarks. Marks are kept in the browser\n' +
        '(localStorage, per run id); "Save marks" downloads review-marks.json (run id; image, mark, time).\n' +
        'With --api, "Post marks" sends them to the ingest API, which merges them (per image, the later\n' +
        "mark wins) into review-marks.json beside the run's results; the API must list the page's origin\n" +
        'in API_CORS_ORIGINS ("null" for a page opened from a file). export-task --select wrong reads that file.\n' +
        'Run it again after a resumed run: the page and its data are rewritten.\n\n' +
        'Exit codes: 0 the page is written; 1 RUN is missing, is not a run folder, or cannot be written.\n',
    )
    .action(async (run: string, opts: ReviewCliOptions) => {
      if (!(Number.isInteger(opts.pageSize) && opts.pageSize > 0)) throw new ReviewInputError('--page-size must be a whole number >= 1');
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(run)) throw new ReviewInputError(`${run}: review reads a local run folder; copy the run down first (aws s3 sync)`);
      const report = await writeReviewSite(run, { pageSize: opts.pageSize, ...(opts.api !== undefined ? { api: apiBase(opts.api) } : {}) });
      if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        const t = report.thumbnails;
        process.stdout.write(
          `review page of ${report.images} images (${report.failed} failed) written in ${report.seconds.toFixed(1)} s ` +
            `(${t.written} thumbnails made, ${t.reused} kept): ${report.index}\n`,
        );
      }
      process.exitCode = ExitCode.ok;
    });
}

/** --api as the page uses it: an http(s) URL without a trailing slash. */
function apiBase(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ReviewInputError(`--api ${text} is not a URL (e.g. https://ingest.example.org)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ReviewInputError(`--api ${text}: the ingest API is reached over http or https`);
  if (url.username || url.password || url.search || url.hash) throw new ReviewInputError('--api is the base URL only: no credentials, query or fragment');
  return url.href.replace(/\/+$/, '');
}
