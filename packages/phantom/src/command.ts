import { Command, InvalidArgumentError, Option } from 'commander';
import { ANATOMY_CHOICES, type AnatomyChoice } from './anatomy/variation.js';
import { FILM_LOOKS, type FilmLookChoice } from './look/film-look.js';
import { IMAGE_FORMATS, parseSize } from './options.js';
import { writePhantomSet } from './write-set.js';
import { progressLine } from './progress.js';

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

interface PhantomCliOptions {
  out: string;
  view: 'cervical' | 'lumbar' | 'mixed';
  count: number;
  seed: number;
  maxSide?: number;
  size?: string;
  format: 'png8' | 'png16' | 'jpeg' | 'mix';
  asShare: number;
  implantShare: number;
  partialShare: number;
  headShare: number;
  markers: boolean;
  dicom?: 'explicit-le' | 'rle' | 'mixed';
  look: FilmLookChoice;
  lookStrength: number;
  anatomy: AnatomyChoice;
  quiet?: boolean;
}

/** The `phantom` command: `vertxnet phantom …` and the package's own `main.js` both use it. */
export function phantomCommand(name = 'phantom'): Command {
  return new Command(name)
    .description('Write synthetic lateral spine radiographs with COCO instance masks and label-mask PNGs')
    .requiredOption('--out <dir>', 'output folder')
    .option('--view <view>', 'cervical | lumbar | mixed', 'mixed')
    .option('--count <n>', 'number of images', int, 20)
    .option('--seed <n>', 'run seed', int, 1)
    .option('--max-side <n>', 'render at most N px on the long side', int)
    .option('--size <WxH>', 'force the image size')
    .option('--format <format>', `${IMAGE_FORMATS.join(' | ')} | mix`, 'mix')
    .option('--as-share <p>', 'share of images with ankylosing spondylitis', share, 0.15)
    .option('--implant-share <p>', 'share of images with implants', share, 0.05)
    .option('--partial-share <p>', 'share of images cut through labelled levels', share, 0.3)
    .option('--head-share <p>', 'share of cervical images framed as head films (whole skull, C2–C4 small in a corner)', share, 0)
    .option('--no-markers', 'no burned-in L/R marker and text')
    .addOption(new Option('--look <look>', "film look: the generator's own (default) or randomised on top (random)").choices(FILM_LOOKS).default('default'))
    .option('--look-strength <s>', 'how far the random look goes, 0 (none) to 1 (full ranges)', share, 1)
    .addOption(
      new Option('--anatomy <anatomy>', "anatomy: the generator's own ranges (default) or wider ones with context present or absent (random)")
        .choices(ANATOMY_CHOICES)
        .default('default'),
    )
    .addOption(
      new Option('--dicom <syntax>', 'also write each image as a 16-bit DX DICOM file in OUT/dicom/ (transfer syntax)').choices([
        'explicit-le',
        'rle',
        'mixed',
      ]),
    )
    .option('--quiet', 'no progress output')
    .action(async (opts: PhantomCliOptions) => {
      const started = performance.now();
      const progress = opts.quiet ? undefined : progressLine('phantom');
      const result = await writePhantomSet({
        out: opts.out,
        count: opts.count,
        seed: opts.seed,
        view: opts.view,
        format: opts.format,
        maxSide: opts.maxSide,
        size: opts.size ? parseSize(opts.size) : undefined,
        asShare: opts.asShare,
        implantShare: opts.implantShare,
        partialShare: opts.partialShare,
        headShare: opts.headShare,
        markers: opts.markers,
        dicom: opts.dicom,
        look: opts.look,
        lookStrength: opts.lookStrength,
        anatomy: opts.anatomy,
        onProgress: progress ? (done, total) => progress.update(done, total) : undefined,
      });
      const seconds = (performance.now() - started) / 1000;
      progress?.end();
      console.log(`${result.images} images in ${seconds.toFixed(1)} s (${(result.images / seconds).toFixed(2)}/s); annotations: ${result.annotationsPath}`);
    });
}
