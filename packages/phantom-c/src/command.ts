import { Command } from 'commander';
import { DEFAULT_JOBS, OptionError, parseOptions } from './options.js';
import { writeSet } from './write-set.js';

const NAME = 'vertxnet-phantom-c';

/** The command line: options, help, and one line on stderr (exit 1) for anything wrong. */
export function phantomCCommand(): Command {
  return new Command(NAME)
    .description(
      'Render style C synthetic lateral spine films with COCO ground truth: the validation style, for fitting ' +
        'calibration and checking choices. Never train on these films (style B stays the held-out measure).',
    )
    .requiredOption('--count <n>', 'number of films')
    .option('--seed <n>', 'base seed; film i (0-based) uses seed + i', '1')
    .requiredOption('--out <dir>', 'writes <dir>/images/sc-00001.png … and <dir>/annotations.json')
    .option('--view <view>', 'cervical, lumbar, or both (alternating, cervical first)', 'both')
    .option('--partial-share <p>', 'chance that the field cuts through the labelled levels', '0.3')
    .option('--bits <n>', 'image depth: 8 (PNG, some films JPEG as exports are) or 16 (PNG)', '8')
    .option('--jobs <n>', 'films rendered at once on worker threads (the output does not depend on it)', String(DEFAULT_JOBS))
    .option('--contact-sheet', 'also write <dir>/contact-sheet.png, a 4×4 montage of the first 16 films')
    .showHelpAfterError(false)
    .configureOutput({ outputError: (message, write) => write(`${NAME}: ${message.replace(/^error: /, '').trim()}\n`) })
    .action(async (raw: Record<string, unknown>) => {
      const options = parseOptions(raw);
      const progress = process.stderr.isTTY ? (done: number, total: number) => process.stderr.write(`\r${NAME}: ${done}/${total} films`) : undefined;
      const { films, ms } = await writeSet(options, progress);
      if (progress) process.stderr.write('\n');
      process.stdout.write(`wrote ${films} style C films to ${options.out} in ${(ms / 1000).toFixed(1)} s (${Math.round(ms / films)} ms/film)\n`);
    });
}

/** Runs the command on `argv`; errors become one line on stderr and exit code 1. */
export async function main(argv: string[]): Promise<void> {
  try {
    await phantomCCommand().parseAsync(argv);
  } catch (err: unknown) {
    const message = err instanceof OptionError || err instanceof Error ? err.message : String(err);
    process.stderr.write(`${NAME}: ${message.split('\n')[0]}\n`);
    process.exitCode = 1;
  }
}
