import { join } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { runLocal } from '@vertxnet/pipeline';
import { isView, type View } from '@vertxnet/shared';
import { defaultModelsDir } from './models-dir.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Run the whole pipeline in this process (no Redis, no S3 needed) and write results to --out')
    .argument('<source>', 'a folder of images, one image, a manifest CSV (uri[,view]) or an s3:// prefix')
    .requiredOption('-o, --out <dir>', 'output folder (or s3:// prefix) for per-image results, run.json and summary.csv')
    .option('-m, --models <dir>', 'folder holding unet/ and maskrcnn/ model folders', defaultModelsDir())
    .option('--view <view>', "cervical or lumbar for every image (default: from metadata, else the U-Net's view head or the reference found)")
    .option('-c, --concurrency <n>', 'images in flight at once', (v) => Number.parseInt(v, 10), 2)
    .option('--json', 'print the run report as JSON instead of a summary')
    .addHelpText(
      'after',
      '\nPer image, <out>/<name>/ gets result.json, labels.png (pixel = VerSe code) and overlay.png.\n' +
        'Per run, <out>/ gets run.json and summary.csv. Images that cannot be read are listed with reasons.',
    )
    .action(async (source: string, opts: { out: string; models: string; view?: string; concurrency: number; json?: boolean }) => {
      if (opts.view !== undefined && !isView(opts.view)) throw new Error(`--view must be cervical or lumbar, not "${opts.view}"`);
      if (!(opts.concurrency >= 1)) throw new Error('--concurrency must be a whole number >= 1');
      const bar = process.stderr.isTTY && !opts.json
        ? new SingleBar({ format: 'vertxnet run |{bar}| {value}/{total} images | {failed} failed | ETA {eta_formatted}', hideCursor: true }, Presets.shades_classic)
        : undefined;
      let started = false;
      const report = await runLocal({
        source,
        out: opts.out,
        models: { unet: join(opts.models, 'unet'), maskrcnn: join(opts.models, 'maskrcnn') },
        ...(opts.view ? { view: opts.view as View } : {}),
        concurrency: opts.concurrency,
        onProgress: (p) => {
          if (!bar) return;
          if (!started) {
            bar.start(p.total, 0, { failed: 0 });
            started = true;
          }
          bar.update(p.done + p.failed, { failed: p.failed });
        },
      });
      bar?.stop();
      if (opts.json) {
        process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      } else {
        const c = report.counts;
        process.stdout.write(
          `${c.succeeded} of ${c.images} images labelled, ${c.failed} failed, in ${report.seconds.toFixed(1)} s ` +
            `(${report.imagesPerSecond.toFixed(2)} images/s)\nresults: ${report.out}\n`,
        );
        for (const f of report.failures) process.stdout.write(`  failed: ${f.reason}\n`);
      }
      if (report.counts.images === 0) process.exitCode = 1;
    });
}
