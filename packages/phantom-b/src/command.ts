import { availableParallelism } from 'node:os';
import { Command } from 'commander';
import { parseSetOptions } from './options.js';
import { writeSet } from './write-set.js';

/** The `vertxnet-phantom-b` command: renders a held-out style B film set with COCO ground truth. */
export function phantomBCommand(): Command {
  return new Command('vertxnet-phantom-b')
    .description('Render style B synthetic lateral spine films (held out: never train on them) with COCO ground truth.')
    .requiredOption('--count <n>', 'number of films')
    .option('--seed <n>', 'base seed; film i uses seed + i', '1')
    .requiredOption('--out <dir>', 'output folder (images/ and annotations.json)')
    .option('--view <view>', 'cervical, lumbar or both (alternating)', 'both')
    .option('--partial-share <p>', 'share of films whose field cuts the labelled range', '0.3')
    .option('--bits <n>', 'PNG bit depth, 8 or 16', '8')
    .option('--contact-sheet', 'also write contact-sheet.png (4×4 montage of the first 16 films)', false)
    .option('--jobs <n>', 'films rendered at once on worker threads (output is the same)', String(Math.min(2, availableParallelism())))
    .action(async (raw: Record<string, unknown>) => {
      const { jobs, ...rest } = raw;
      const opts = parseSetOptions(rest);
      const report = await writeSet(opts, parseJobs(jobs));
      const n = report.dataset.images.length;
      process.stdout.write(
        `wrote ${n} style B films and ${report.dataset.annotations.length} annotations to ${opts.out} ` +
          `in ${report.seconds.toFixed(1)} s (${((report.seconds * 1000) / n).toFixed(0)} ms/film)\n`,
      );
    });
}

function parseJobs(raw: unknown): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error('--jobs must be a whole number from 1 to 64');
  return n;
}
