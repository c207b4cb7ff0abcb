import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import {
  evaluateImage,
  rasteriseCoco,
  summariseEval,
  type CocoPolygonAnnotation,
  type EvalImage,
  type EvalImageMeta,
  type EvalSummary,
  type FusionOptions,
  type QcFlag,
} from '@vertxnet/fusion';
import { decodeForeground, decodeInstances, labelImage, openPipelineModels, prepareImage, runModels } from '@vertxnet/pipeline';
import { isView, type View } from '@vertxnet/core';
import { decodeCanonicalPng } from '@vertxnet/imaging';
import { readModelManifest } from '@vertxnet/inference';
import { LocalStorage } from '@vertxnet/storage';
import { ABLATION_MODES, num, pct, renderReport, type AblationMode, type EvalReport, type ImageRow } from './eval-report.js';
import { defaultModelsDir } from './models-dir.js';

export { ABLATION_MODES, renderReport, type AblationMode, type EvalReport, type ImageRow } from './eval-report.js';

/** One ground-truth image: its name (= result folder name), where its truth and source live, what is known about it. */
export interface GroundTruthImage {
  name: string;
  width?: number;
  height?: number;
  /** Label mask PNG (pixel = VerSe code). */
  labelsPath?: string;
  /** COCO polygons, when the truth is a COCO file. */
  annotations?: CocoPolygonAnnotation[];
  /** The source radiograph, for --ablation. */
  sourcePath?: string;
  meta: EvalImageMeta & { cut?: string };
}

/** Reads COCO ground truth (file_name, width, height, view, as, cut) or a folder of label-mask PNGs. */
export async function loadGroundTruth(gt: string, imagesDir?: string): Promise<GroundTruthImage[]> {
  const info = await stat(gt);
  if (info.isDirectory()) {
    const files = (await readdir(gt)).filter((f) => f.toLowerCase().endsWith('.png')).sort();
    // Label masks are PNG whatever the source was (a .jpg or .dcm): the source of the same stem.
    const sources = imagesDir ? byStem(await readdir(imagesDir)) : undefined;
    return files.map((f) => ({
      name: f,
      labelsPath: join(gt, f),
      ...(imagesDir ? { sourcePath: join(imagesDir, sources!.get(stem(f)) ?? f) } : {}),
      meta: {},
    }));
  }
  const coco = JSON.parse(await readFile(gt, 'utf8')) as {
    images: { id: number; file_name: string; width: number; height: number; view?: string; as?: boolean; cut?: string }[];
    annotations: (CocoPolygonAnnotation & { image_id: number })[];
  };
  if (!Array.isArray(coco.images) || !Array.isArray(coco.annotations)) throw new Error(`${gt}: not a COCO file (images, annotations)`);
  const byImage = new Map<number, CocoPolygonAnnotation[]>();
  for (const a of coco.annotations) {
    const list = byImage.get(a.image_id) ?? [];
    list.push(a);
    byImage.set(a.image_id, list);
  }
  const root = dirname(resolve(gt));
  return coco.images.map((img) => {
    const name = basename(img.file_name);
    const meta: GroundTruthImage['meta'] = {};
    if (img.view && isView(img.view)) meta.view = img.view;
    if (typeof img.as === 'boolean') meta.ankylosingSpondylitis = img.as;
    if (typeof img.cut === 'string') {
      meta.cut = img.cut;
      meta.partialView = img.cut !== 'none';
    }
    return {
      name,
      width: img.width,
      height: img.height,
      annotations: byImage.get(img.id) ?? [],
      sourcePath: imagesDir ? join(imagesDir, name) : resolve(root, img.file_name),
      meta,
    };
  });
}

function stem(name: string): string {
  const ext = extname(name);
  return ext ? name.slice(0, -ext.length) : name;
}

/** File name by stem; the first one wins when several share it. */
function byStem(names: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const n of [...names].sort()) if (!m.has(stem(n))) m.set(stem(n), n);
  return m;
}

async function readMask(path: string): Promise<{ width: number; height: number; data: Uint8Array }> {
  return decodeCanonicalPng(await readFile(path), path);
}

export async function truthMask(gt: GroundTruthImage): Promise<{ width: number; height: number; data: Uint8Array }> {
  if (gt.labelsPath) return readMask(gt.labelsPath);
  if (!gt.width || !gt.height) throw new Error(`${gt.name}: COCO image has no width/height`);
  return { width: gt.width, height: gt.height, data: rasteriseCoco(gt.annotations ?? [], gt.width, gt.height) };
}

/** Scores the result folders in `results` against the ground truth (matched by name). */
export async function evaluateResults(
  results: string,
  truth: GroundTruthImage[],
  onImage?: (name: string) => void,
): Promise<{ summary: EvalSummary; images: ImageRow[]; missing: string[] }> {
  const evals: EvalImage[] = [];
  const rows: ImageRow[] = [];
  const missing: string[] = [];
  const meta: Record<string, EvalImageMeta> = {};
  // Result folders are named after the source file; a label-mask PNG may stand for a .jpg source.
  const folders = existsSync(results)
    ? byStem((await readdir(results, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name))
    : new Map<string, string>();
  for (const gt of truth) {
    const t = await truthMask(gt);
    const dir = join(results, existsSync(join(results, gt.name)) ? gt.name : (folders.get(stem(gt.name)) ?? gt.name));
    let pred: Uint8Array;
    let flags: QcFlag[] = [];
    let view: View | null = null;
    if (existsSync(join(dir, 'labels.png')) && existsSync(join(dir, 'result.json'))) {
      const m = await readMask(join(dir, 'labels.png'));
      if (m.width !== t.width || m.height !== t.height)
        throw new Error(`${gt.name}: labels.png is ${m.width}x${m.height}, ground truth ${t.width}x${t.height}`);
      pred = m.data;
      const r = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as { qc?: { flags?: QcFlag[] }; view?: { value?: View | null } };
      flags = r.qc?.flags ?? [];
      view = r.view?.value ?? null;
    } else {
      // No result: every vertebra of the image scores 0.
      missing.push(gt.name);
      pred = new Uint8Array(t.width * t.height);
    }
    const evaluation = evaluateImage(pred, t.data, t.width, t.height);
    evals.push({ name: gt.name, evaluation, flags, view });
    meta[gt.name] = gt.meta;
    rows.push(rowOf(gt, evaluation, flags, view, !existsSync(join(dir, 'result.json'))));
    onImage?.(gt.name);
  }
  return { summary: summariseEval(evals, meta), images: rows, missing };
}

function rowOf(gt: GroundTruthImage, e: ReturnType<typeof evaluateImage>, flags: readonly string[], view: View | null, missing: boolean): ImageRow {
  return {
    name: gt.name,
    view: gt.meta.view ?? view,
    ...(gt.meta.ankylosingSpondylitis !== undefined ? { as: gt.meta.ankylosingSpondylitis } : {}),
    ...(gt.meta.cut !== undefined ? { cut: gt.meta.cut } : {}),
    levels: e.levels.length,
    meanDice: e.meanDice,
    identified: e.levels.filter((l) => l.identified).length,
    tp: e.detection.tp,
    fp: e.detection.fp,
    fn: e.detection.fn,
    extraLevels: e.extraLevels,
    flags: [...flags],
    ...(missing ? { missing: true as const } : {}),
  };
}

export interface AblationOptions {
  modelsDir: string;
  /** Where model outputs are kept between runs (one .fg/.in blob per image). */
  cacheDir: string;
  fusionOptions?: Partial<FusionOptions>;
  /** Give fusion the ground truth's view, as a manifest or DICOM tags would (default: fusion decides). */
  viewFromGt?: boolean;
  /** Which labellings to score. @defaultValue all three */
  modes?: readonly AblationMode[];
  onImage?: (name: string) => void;
}

/** Where the ablation keeps one image's model outputs between runs. */
function cachePaths(cacheDir: string, gt: GroundTruthImage): { fg: string; in: string } {
  return { fg: join(cacheDir, `${gt.name}.fg.bin`), in: join(cacheDir, `${gt.name}.in.bin`) };
}

/**
 * Runs both models (the run's own stages: prepare, then U-Net and Mask R-CNN) over the images
 * whose outputs are not cached yet, and caches them. The models are opened first, so that a
 * missing or unusable one stops the command before any image.
 */
async function cacheModelOutputs(truth: GroundTruthImage[], options: AblationOptions): Promise<void> {
  const todo = truth.filter((gt) => {
    const paths = cachePaths(options.cacheDir, gt);
    return !existsSync(paths.fg) || !existsSync(paths.in);
  });
  if (todo.length === 0) return;
  const models = await openPipelineModels({ unet: join(options.modelsDir, 'unet'), maskrcnn: join(options.modelsDir, 'maskrcnn') });
  const workDir = await mkdtemp(join(tmpdir(), 'vertxnet-eval-'));
  const work = new LocalStorage(workDir);
  try {
    for (const gt of todo) {
      if (!gt.sourcePath || !existsSync(gt.sourcePath)) throw new Error(`${gt.name}: source image not found (${gt.sourcePath ?? 'give --images'})`);
      const prepared = await prepareImage({ work }, { source: pathToFileURL(resolve(gt.sourcePath)).href });
      const outputs = await runModels({ work, models: models.runners }, prepared.image);
      const paths = cachePaths(options.cacheDir, gt);
      await writeFile(paths.fg, await work.get(outputs.foreground));
      await writeFile(paths.in, await work.get(outputs.instances));
    }
  } finally {
    await models.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * The paper's ablation: the models run once per image (outputs cached), then fusion labels the
 * image three ways — both models, the U-Net alone, the Mask R-CNN alone — and each is scored.
 */
export async function runAblation(
  truth: GroundTruthImage[],
  options: AblationOptions,
): Promise<{ summaries: Record<AblationMode, EvalSummary>; rows: Record<AblationMode, ImageRow[]> }> {
  await mkdir(options.cacheDir, { recursive: true });
  await cacheModelOutputs(truth, options);
  const evals: Record<AblationMode, EvalImage[]> = { ensemble: [], 'unet-only': [], 'maskrcnn-only': [] };
  const rows: Record<AblationMode, ImageRow[]> = { ensemble: [], 'unet-only': [], 'maskrcnn-only': [] };
  const meta: Record<string, EvalImageMeta> = {};
  // Outputs cached before the class list travelled with them get it from the manifest, when there is one.
  let classes: Promise<readonly string[] | undefined> | undefined;
  for (const gt of truth) {
    const paths = cachePaths(options.cacheDir, gt);
    const foreground = decodeForeground(await readFile(paths.fg), gt.name);
    const instances = decodeInstances(await readFile(paths.in), gt.name);
    classes ??= readModelManifest(join(options.modelsDir, 'maskrcnn')).then(
      (m) => m.classes,
      () => undefined,
    );
    if (!instances.classes) {
      const known = await classes;
      if (known) instances.classes = known;
    }
    const t = await truthMask(gt);
    meta[gt.name] = gt.meta;
    for (const mode of options.modes ?? ABLATION_MODES) {
      const { fusion, labels } = labelImage(
        {
          ...(mode !== 'maskrcnn-only' ? { foreground } : {}),
          ...(mode !== 'unet-only' ? { instances } : {}),
          ...(options.viewFromGt && gt.meta.view ? { view: gt.meta.view } : {}),
        },
        t,
        options.fusionOptions,
      );
      const evaluation = evaluateImage(labels, t.data, t.width, t.height);
      evals[mode].push({ name: gt.name, evaluation, flags: fusion.qc.flags, view: fusion.view });
      rows[mode].push(rowOf(gt, evaluation, fusion.qc.flags, fusion.view, false));
    }
    options.onImage?.(gt.name);
  }
  const summaries = Object.fromEntries((options.modes ?? ABLATION_MODES).map((m) => [m, summariseEval(evals[m], meta)])) as Record<AblationMode, EvalSummary>;
  return { summaries, rows };
}

/** Refuses a path that is not there (or is not a folder) before any scoring, with the option it came from. */
async function requireExisting(path: string, option: string, kind?: 'folder'): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new Error(`${option} ${path} does not exist`);
  if (kind === 'folder' && !info.isDirectory()) throw new Error(`${option} ${path} is not a folder`);
}

function outPaths(out: string): { md: string; json: string } {
  const ext = extname(out).toLowerCase();
  const stem = ext === '.md' || ext === '.json' ? out.slice(0, -ext.length) : out;
  return { md: `${stem}.md`, json: `${stem}.json` };
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('Score result folders against ground truth: per-level Dice, identification, detection, QC flag rates, subsets')
    .requiredOption('-r, --results <dir>', 'output folder of `vertxnet run` (one folder per image, named after the source file)')
    .requiredOption('-g, --gt <path>', 'COCO annotations.json (file_name, width, height; view, as, cut for subsets) or a folder of label-mask PNGs')
    .option('-o, --out <path>', 'report path; writes <path>.md and <path>.json (default <results>/eval)')
    .option('--ablation', 'also label each image from the U-Net alone and the Mask R-CNN alone (runs the models once, cached)')
    .option('-m, --models <dir>', 'folder holding unet/ and maskrcnn/ (for --ablation)', defaultModelsDir())
    .option('--images <dir>', 'source images, for --ablation (default: beside the COCO file, by file_name)')
    .option('--cache <dir>', 'model outputs kept for --ablation (default <results>/.model-outputs)')
    .option('--view-from-gt', 'with --ablation: give fusion the view from the ground truth (as a manifest would)')
    .option('--limit <n>', 'only the first n ground-truth images', (v) => Number.parseInt(v, 10))
    .option('--json', 'print the summary as JSON')
    .action(
      async (opts: {
        results: string;
        gt: string;
        out?: string;
        ablation?: boolean;
        models: string;
        images?: string;
        cache?: string;
        limit?: number;
        json?: boolean;
        viewFromGt?: boolean;
      }) => {
        await requireExisting(opts.results, '--results', 'folder');
        await requireExisting(opts.gt, '--gt');
        let truth = await loadGroundTruth(opts.gt, opts.images);
        if (opts.limit !== undefined) {
          if (!(opts.limit > 0)) throw new Error('--limit must be a whole number > 0');
          truth = truth.slice(0, opts.limit);
        }
        if (!truth.length) throw new Error(`${opts.gt}: no ground-truth images`);
        const progress = (what: string) => {
          let n = 0;
          return () => {
            n++;
            if (process.stderr.isTTY) process.stderr.write(`\r${what}: ${n}/${truth.length}${n === truth.length ? '\n' : ''}`);
            else if (n % 50 === 0 || n === truth.length) process.stderr.write(`${what}: ${n}/${truth.length}\n`);
          };
        };
        const scored = await evaluateResults(opts.results, truth, progress('scoring results'));
        const report: EvalReport = { results: opts.results, gt: opts.gt, summary: scored.summary, missingResults: scored.missing, images: scored.images };
        if (opts.ablation) {
          const ab = await runAblation(truth, {
            modelsDir: opts.models,
            cacheDir: opts.cache ?? join(opts.results, '.model-outputs'),
            onImage: progress('ablation'),
            ...(opts.viewFromGt ? { viewFromGt: true } : {}),
          });
          report.ablation = ab.summaries;
          report.ablationImages = ab.rows;
          if (opts.viewFromGt) report.ablationViewFromGt = true;
        }
        const { md, json } = outPaths(opts.out ?? join(opts.results, 'eval'));
        await mkdir(dirname(resolve(md)), { recursive: true });
        await writeFile(md, renderReport(report));
        await writeFile(json, JSON.stringify(report, null, 2) + '\n');
        const s = report.summary;
        if (opts.json) process.stdout.write(JSON.stringify(s, null, 2) + '\n');
        else {
          process.stdout.write(
            `${s.images} images, ${s.vertebrae} vertebrae: mean Dice ${num(s.meanDice)}, identification ${pct(s.identificationAccuracy)}, ` +
              `precision ${pct(s.precision)}, recall ${pct(s.recall)}\n`,
          );
          if (report.ablation)
            for (const m of ABLATION_MODES)
              process.stdout.write(`  ${m}: mean Dice ${num(report.ablation[m].meanDice)}, identification ${pct(report.ablation[m].identificationAccuracy)}\n`);
          process.stdout.write(`report: ${md}, ${json}\n`);
        }
      },
    );
}
