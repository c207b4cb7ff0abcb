import { Command, InvalidArgumentError, Option } from 'commander';
import { FILM_LOOKS, type FilmLookChoice } from '../look/film-look.js';
import { IMAGE_FORMATS, type FormatChoice } from '../options.js';
import { isNegativeKind, NEGATIVE_KINDS, type NegativeKind } from './scene.js';
import { writeNegativeSet } from './write.js';
import { progressLine } from '../progress.js';

const int = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('not an integer');
  return n;
};

const share = (value: string) => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('not a share between 0 and 1');
  return n;
};

/** `all` or a comma-separated list of kinds. */
export function parseKinds(value: string): NegativeKind[] {
  if (value.trim() === 'all') return [...NEGATIVE_KINDS];
  const kinds = value
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
  for (const k of kinds) if (!isNegativeKind(k)) throw new InvalidArgumentError(`unknown kind "${k}" (kinds: ${NEGATIVE_KINDS.join(', ')})`);
  if (kinds.length === 0) throw new InvalidArgumentError('no kinds');
  return kinds as NegativeKind[];
}

interface NegativesCliOptions {
  out: string;
  kinds: NegativeKind[];
  count: number;
  seed: number;
  maxSide?: number;
  format: FormatChoice;
  markers: boolean;
  look: FilmLookChoice;
  lookStrength: number;
  contactSheet?: boolean;
  quiet?: boolean;
}

/** `phantom negatives`: out-of-scope films (chest, thoracic, AP and oblique spine, pelvis, limbs) in the phantom's film look. */
export function negativesCommand(name = 'negatives'): Command {
  return new Command(name)
    .description("Write out-of-scope films (not lateral cervical or lumbar spine) through the phantom's rendering and film look")
    .requiredOption('--out <dir>', 'output folder')
    .addOption(new Option('--kinds <list>', `all | comma-separated: ${NEGATIVE_KINDS.join(', ')}`).argParser(parseKinds).default([...NEGATIVE_KINDS], 'all'))
    .option('--count <n>', 'number of images (kinds cycle)', int, 40)
    .option('--seed <n>', 'run seed', int, 1)
    .option('--max-side <n>', 'render at most N px on the long side', int)
    .option('--format <format>', `${IMAGE_FORMATS.join(' | ')} | mix`, 'mix')
    .option('--no-markers', 'no burned-in L/R marker and view text')
    .addOption(new Option('--look <look>', 'film look: default or random (as the lateral phantom)').choices(FILM_LOOKS).default('default'))
    .option('--look-strength <s>', 'how far the random look goes, 0 to 1', share, 1)
    .option('--contact-sheet', 'also write OUT/contact-sheet.png, four films per kind')
    .option('--quiet', 'no progress output')
    .action(async (opts: NegativesCliOptions) => {
      const started = performance.now();
      const progress = opts.quiet ? undefined : progressLine('negatives');
      const result = await writeNegativeSet({
        ...opts,
        onProgress: progress ? (done, total) => progress.update(done, total) : undefined,
      });
      progress?.end();
      const seconds = (performance.now() - started) / 1000;
      console.log(`${result.images} out-of-scope images in ${seconds.toFixed(1)} s; list: ${result.csvPath}`);
    });
}
