import { Option, type Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { CorrectionsError } from '../corrections/common.js';
import { TASK_FORMATS, exportTask, type TaskFormat } from '../corrections/export-task.js';
import { importCorrections } from '../corrections/import-corrections.js';
import { SELECTIONS, type Selection } from '../corrections/run-folder.js';

interface ExportCliOptions {
  select: Selection;
  marks?: string;
  format: TaskFormat;
  out: string;
  images: 'copy' | 'reference';
  imageRoot?: string;
  json?: boolean;
}

export function registerExportTask(program: Command): void {
  program
    .command('export-task')
    .description("Write a correction task of a run's images for CVAT (COCO 1.0) and/or Label Studio, the run's outlines as pre-annotations")
    .argument('<run>', 'the --out folder of a local run (holding run.json)')
    .addOption(
      new Option('--select <which>', 'images: flagged needs-review, marked wrong on the review page (--marks, or RUN/review-marks.json), or all')
        .choices(SELECTIONS)
        .default('needs-review'),
    )
    .option(
      '--marks <file>',
      'review-marks.json saved from the review page of this run (for --select wrong; default: RUN/review-marks.json, where the ingest API stores posted marks)',
    )
    .addOption(new Option('--format <format>', 'the labelling tool').choices(TASK_FORMATS).default('both'))
    .requiredOption('-o, --out <dir>', 'a new folder for the task (refused if it exists)')
    .addOption(new Option('--images <how>', 'copy the source images into the task, or only reference them').choices(['copy', 'reference']).default('copy'))
    .option('--image-root <url>', 'Label Studio: the URL or path prefix the images are served under (data.image = <url>/<file>); default images/<file>')
    .option('--json', 'print export.json instead of a summary')
    .addHelpText(
      'after',
      '\nWrites into --out (all at once: a temporary folder renamed at the end):\n' +
        '  export.json                              the run id and the images: import-corrections checks them\n' +
        '  cvat/annotations/instances_default.json  COCO 1.0 (CVAT: Upload annotations / Import dataset, "COCO 1.0");\n' +
        '  cvat/images/, cvat-coco-1.0.zip          a category per level, polygons in pixels; the zip holds both\n' +
        '  label-studio/tasks.json                  tasks {data: {image}, predictions: [{model_version, score, result}]}\n' +
        '                                           with polygonlabels in percent (from_name "label", to_name "image")\n' +
        '  label-studio/config.xml                  the labeling config: <PolygonLabels> with a <Label> per level\n' +
        '  label-studio/images/                     with --images copy (serve them and give --image-root)\n' +
        'Only labelled bodies are pre-annotated; failed images are left out.\n\n' +
        'Exit codes: 0 written; 1 bad option, not a run, marks of another run, no image selected, --out exists.\n',
    )
    .action(async (run: string, opts: ExportCliOptions) => {
      if (opts.imageRoot !== undefined && opts.format === 'cvat')
        throw new CorrectionsError('--image-root is for Label Studio tasks; CVAT matches images by file name');
      const manifest = await exportTask({
        run,
        select: opts.select,
        ...(opts.marks !== undefined ? { marks: opts.marks } : {}),
        format: opts.format,
        out: opts.out,
        images: opts.images,
        ...(opts.imageRoot !== undefined ? { imageRoot: opts.imageRoot } : {}),
      });
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(manifest, null, 2)}\n`
          : `task of ${manifest.images.length} images of run ${manifest.run.id} written: ${opts.out} (${manifest.files.join(', ')})\n`,
      );
      process.exitCode = ExitCode.ok;
    });
}

export function registerImportCorrections(program: Command): void {
  program
    .command('import-corrections')
    .description('Read a corrected task back (CVAT COCO 1.0 zip/folder/json, or a Label Studio JSON export) into a training set')
    .argument('<file>', "the tool's export: CVAT COCO 1.0 (.zip, the folder, or instances_default.json), or Label Studio's JSON export")
    .requiredOption('--run <dir>', 'the run the task was exported from (its images go into the training set)')
    .requiredOption('-o, --out <dir>', 'a new folder for the training set (refused if it exists)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      "\nThe reviewer's levels and outlines are kept as they are: Label Studio's latest annotation of a task\n" +
        '(not cancelled) wins over the prediction; a task never annotated keeps the prediction. CVAT polygons\n' +
        'and masks (RLE) are read; Label Studio polygonlabels are read (brushlabels are refused).\n' +
        'Writes --out/annotations.json (COCO: a category per level, file_name images/<file>) and --out/images/\n' +
        "(the run's source images): python3 -m vertxnet_train.train --data OUT reads it.\n\n" +
        "Refused (exit code 1, nothing written): a file of another run (the run id of export-task's tasks;\n" +
        "CVAT's own export drops it, so there the image names and sizes must be the run's), a label that is\n" +
        'not a vertebral level, an image the run does not have, a box without an outline, a half-written file.\n',
    )
    .action(async (file: string, opts: { run: string; out: string; json?: boolean }) => {
      const report = await importCorrections(file, opts.run, opts.out);
      const levels = Object.entries(report.levels)
        .map(([l, n]) => `${l} ${n}`)
        .join(', ');
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(report, null, 2)}\n`
          : `training set of ${report.images} images, ${report.vertebrae} vertebrae (${levels || 'none'}) from ${report.format} corrections of run ${report.run}: ${report.out}\n`,
      );
      process.exitCode = ExitCode.ok;
    });
}
