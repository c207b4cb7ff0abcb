import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { DEFAULT_PAGE_SIZE } from '../review/site-data.js';
import { ReviewInputError, THUMBNAIL_LONG_SIDE, writeReviewSite } from '../review/write-site.js';

interface ReviewCliOptions {
  pageSize: number;
  json?: boolean;
}

export function registerReview(program: Command): void {
  program
    .command('review')
    .description('Write a static review page into a run folder: RUN/review/index.html (open it in a browser; no server needed)')
    .argument('<run>', 'the --out folder of a run: a local folder holding run.json (a distributed run: copy it down first)')
    .option('--page-size <n>', 'image details per data file the page loads', (v) => Number.parseInt(v, 10), DEFAULT_PAGE_SIZE)
    .option('--json', 'print what was written as JSON')
    .addHelpText(
      'after',
      '\nRUN/review/ gets index.html, review.js, review-detail.js, review.css, thumbs/<image>.jpg (overlay thumbnails, long\n' +
        `side ${THUMBNAIL_LONG_SIDE} px; kept when newer than the overlay) and data/ (index.js with every card, page-NNNN.js with\n` +
        'the details), all loaded with <script> so that the page works from file:// and from a static website.\n' +
        'One card per image: thumbnail, view, confidence, levels, flags; failed images first, then those\n' +
        'flagged needs-review, then by ascending confidence. Filters by flag, view, level, failure and mark;\n' +
        'a detail view with the overlay, the measurements and a table per vertebra. Keys: j/k or arrows\n' +
        'move, Enter opens, Esc closes, w/r mark wrong/right, u unmarks. Marks are kept in the browser\n' +
        '(localStorage, per run id); "Save marks" downloads review-marks.json (run id; image, mark, time).\n' +
        'Run it again after a resumed run: the page and its data are rewritten.\n\n' +
        'Exit codes: 0 the page is written; 1 RUN is missing, is not a run folder, or cannot be written.\n',
    )
    .action(async (run: string, opts: ReviewCliOptions) => {
      if (!(Number.isInteger(opts.pageSize) && opts.pageSize > 0)) throw new ReviewInputError('--page-size must be a whole number >= 1');
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(run)) throw new ReviewInputError(`${run}: review reads a local run folder; copy the run down first (aws s3 sync)`);
      const report = await writeReviewSite(run, { pageSize: opts.pageSize });
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
