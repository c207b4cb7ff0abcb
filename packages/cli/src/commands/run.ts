import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { IMAGE_EXTENSIONS, runLocal, type RunReport } from '@vertxnet/pipeline';
import { isView, type View } from '@vertxnet/core';
import { EXECUTION_PROVIDERS } from '@vertxnet/inference';
import { ExitCode, EXIT_CODES_HELP, runExitCode } from '../exit-codes.js';
import { progressDisplay } from '../progress.js';
import { defaultModelsDir } from './models-dir.js';

interface RunCliOptions {
  out: string;
  models: string;
  view?: string;
  concurrency: number;
  providers: string;
  overwrite?: boolean;
  json?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Run the whole pipeline in this process (no Redis, no S3 needed) and write results to --out')
    .argument('<source>', 'a folder of images, one image, a manifest CSV (uri[,view]) or an s3:// prefix')
    .requiredOption('-o, --out <dir>', 'output folder (or s3:// prefix) for per-image results, run.json and summary.csv; not inside the source')
    .option('-m, --models <dir>', 'folder holding unet/ and maskrcnn/ model folders', defaultModelsDir())
    .option('--view <view>', "cervical or lumbar for every image (default: from metadata, else the U-Net's view head or the reference found)")
    .option('-c, --concurrency <n>', 'images in flight at once', (v) => Number.parseInt(v, 10), 2)
    .addOption(
      new Option(
        '--providers <list>',
        `onnxruntime execution providers, comma-separated in order of preference (${EXECUTION_PROVIDERS.join(', ')}); cpu is always added last`,
      )
        .default('cpu')
        .env('INFERENCE_PROVIDERS'),
    )
    .option('--overwrite', 'replace an earlier run in --out (without it, a folder holding another run is refused)')
    .option('--json', 'print the run report as JSON instead of a summary')
    .addHelpText(
      'after',
      '\nPer image, <out>/<name>/ gets result.json, labels.png (pixel = VerSe code), overlay.png (with a header\n' +
        'strip: view, confidence, flags, legend) and overlay-small.jpg (long side <= 1024 px).\n' +
        'Per run, <out>/ gets run.json and summary.csv (a row per image; failed ones with their reason).\n' +
        `Images are found by name (${IMAGE_EXTENSIONS.join(' ')}) and by content (DICOM without an extension,\n` +
        'e.g. IM0001); links to files are followed, links to folders are not. Files left out are listed\n' +
        'in run.json with the reason. Running again with the same source, models and --out resumes:\n' +
        'images with a complete result are not redone. Ctrl-C stops after the images in flight.\n\n' +
        `${EXIT_CODES_HELP}\n`,
    )
    .action(async (source: string, opts: RunCliOptions) => {
      if (opts.view !== undefined && !isView(opts.view)) throw new Error(`--view must be cervical or lumbar, not "${opts.view}"`);
      if (!(opts.concurrency >= 1)) throw new Error('--concurrency must be a whole number >= 1');
      const executionProviders = parseProviders(opts.providers);
      const display = opts.json ? undefined : progressDisplay(process.stderr, { tty: process.stderr.isTTY === true });
      const stop = new AbortController();
      const onInterrupt = () => {
        if (stop.signal.aborted) {
          display?.stop();
          process.exit(ExitCode.interrupted);
        }
        stop.abort();
        display?.stop();
        process.stderr.write('\nvertxnet run: stopping after the images in flight; run.json will record what is done (Ctrl-C again to quit now)\n');
      };
      process.on('SIGINT', onInterrupt);
      let report: RunReport;
      try {
        report = await runLocal({
          source,
          out: opts.out,
          models: { unet: join(opts.models, 'unet'), maskrcnn: join(opts.models, 'maskrcnn') },
          ...(opts.view ? { view: opts.view as View } : {}),
          concurrency: opts.concurrency,
          executionProviders,
          ...(opts.overwrite ? { overwrite: true } : {}),
          signal: stop.signal,
          ...(display ? { onProgress: (p) => display.update(p) } : {}),
        });
      } finally {
        display?.stop();
        process.off('SIGINT', onInterrupt);
      }
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatRunReport(report, source));
      process.exitCode = report.state === 'interrupted' ? ExitCode.interrupted : runExitCode(report.counts);
    });
}

/** `cuda,cpu` → ['cuda', 'cpu'], refusing names onnxruntime does not know. */
export function parseProviders(list: string): string[] {
  const names = list
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p.length > 0);
  const valid: readonly string[] = EXECUTION_PROVIDERS;
  const unknown = names.filter((n) => !valid.includes(n));
  if (unknown.length > 0) throw new Error(`--providers: unknown execution provider ${unknown.map((n) => `"${n}"`).join(', ')}; valid: ${valid.join(', ')}`);
  return names.length > 0 ? names : ['cpu'];
}

const SKIPPED_SHOWN = 20;

/** What a person reads after a run: counts, where the results are, each failure and skipped file with its reason. */
export function formatRunReport(report: RunReport, source: string): string {
  const c = report.counts;
  const lines: string[] = [];
  if (c.images === 0) {
    lines.push(
      `no images found in ${source} (looked for ${IMAGE_EXTENSIONS.join('/')} by name, and DICOM/PNG/JPEG/TIFF/GIF by content; ` +
        `${c.skippedFiles} other file${c.skippedFiles === 1 ? '' : 's'} left out)`,
    );
  } else {
    const resumed = c.resumed > 0 ? ` (${c.resumed} from an earlier run)` : '';
    lines.push(
      `${c.succeeded} of ${c.images} images labelled${resumed}, ${c.failed} failed, in ${report.seconds.toFixed(1)} s ` +
        `(${report.imagesPerSecond.toFixed(2)} images/s)`,
    );
    if (report.state === 'interrupted') lines.push(`interrupted: ${c.notStarted} images not started; run the same command again to resume`);
  }
  lines.push(`results: ${report.out}`);
  for (const f of report.failures) lines.push(`  failed: ${f.reason}`);
  for (const n of report.notes) lines.push(`  note: ${n.key}: ${n.note}`);
  for (const s of report.skipped.slice(0, SKIPPED_SHOWN)) lines.push(`  left out: ${s.key}: ${s.reason}`);
  if (report.skipped.length > SKIPPED_SHOWN) lines.push(`  … and ${report.skipped.length - SKIPPED_SHOWN} more files left out (listed in run.json)`);
  return `${lines.join('\n')}\n`;
}
