import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CorrectionsError, writeFolderAtomically } from './common.js';
import { CVAT_ANNOTATIONS_PATH, buildCvatCoco, cvatCocoSchema } from './cvat.js';
import { buildLsTasks, lsImportTasksSchema, lsLabelingConfig } from './label-studio.js';
import { ZipWriter } from './zip.js';
import { readRunFolder, selectImages, type RunImage, type Selection } from './run-folder.js';

export type TaskFormat = 'cvat' | 'label-studio' | 'both';
export const TASK_FORMATS: readonly TaskFormat[] = ['cvat', 'label-studio', 'both'];

export interface ExportTaskOptions {
  run: string;
  select: Selection;
  marks?: string;
  format: TaskFormat;
  out: string;
  images: 'copy' | 'reference';
  imageRoot?: string;
}

/** export.json: which run and images a task is of, so that import-corrections can check what comes back. */
export interface ExportManifest {
  tool: 'vertxnet export-task';
  run: { id: string; dir: string; source: string };
  select: Selection;
  createdAt: string;
  images: { name: string; file: string; width: number; height: number }[];
  files: string[];
}

/**
 * Writes a correction task of a run's selected images: cvat/ (COCO 1.0: annotations/instances_default.json,
 * images/, and the same as cvat-coco-1.0.zip) and label-studio/ (tasks.json, config.xml, images/),
 * with export.json; all at once (a temporary folder renamed at the end).
 */
export async function exportTask(opts: ExportTaskOptions): Promise<ExportManifest> {
  const run = await readRunFolder(opts.run);
  const images = await selectImages(run, opts.select, opts.marks);
  if (images.length === 0) throw new CorrectionsError(`no images of ${opts.run} are selected by --select ${opts.select}: nothing to export`);
  if (opts.images === 'copy') {
    const missing = images.find((i) => i.sourcePath === undefined);
    if (missing)
      throw new CorrectionsError(`${missing.name}: its source ${missing.result.source} is not a local file; use --images reference --image-root URL`);
  }
  const createdAt = new Date();
  return writeFolderAtomically(opts.out, async (dir) => {
    const files: string[] = [];
    if (opts.format !== 'label-studio') files.push(...(await writeCvat(dir, run, images, opts, createdAt)));
    if (opts.format !== 'cvat') files.push(...(await writeLabelStudio(dir, run, images, opts)));
    const manifest: ExportManifest = {
      tool: 'vertxnet export-task',
      run: { id: run.id, dir: run.dir, source: run.source },
      select: opts.select,
      createdAt: createdAt.toISOString(),
      images: images.map((i) => ({ name: i.name, file: i.file, width: i.result.image.width, height: i.result.image.height })),
      files: ['export.json', ...files],
    };
    await writeFile(join(dir, 'export.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  });
}

type Run = Awaited<ReturnType<typeof readRunFolder>>;

async function copyImages(images: readonly RunImage[], dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const img of images) await copyFile(img.sourcePath!, join(dir, img.file));
}

async function writeCvat(dir: string, run: Run, images: readonly RunImage[], opts: ExportTaskOptions, createdAt: Date): Promise<string[]> {
  const coco = cvatCocoSchema.parse(buildCvatCoco(run, images, createdAt));
  const json = Buffer.from(JSON.stringify(coco));
  await mkdir(join(dir, 'cvat', 'annotations'), { recursive: true });
  await writeFile(join(dir, 'cvat', CVAT_ANNOTATIONS_PATH), json);
  const zip = await ZipWriter.create(join(dir, 'cvat-coco-1.0.zip'));
  try {
    await zip.add(CVAT_ANNOTATIONS_PATH, json, { deflate: true });
    if (opts.images === 'copy') {
      await copyImages(images, join(dir, 'cvat', 'images'));
      for (const img of images) await zip.add(`images/${img.file}`, await readFile(img.sourcePath!));
    }
  } catch (err) {
    await zip.abort();
    throw err;
  }
  await zip.close();
  return [`cvat/${CVAT_ANNOTATIONS_PATH}`, ...(opts.images === 'copy' ? ['cvat/images/'] : []), 'cvat-coco-1.0.zip'];
}

async function writeLabelStudio(dir: string, run: Run, images: readonly RunImage[], opts: ExportTaskOptions): Promise<string[]> {
  const tasks = lsImportTasksSchema.parse(buildLsTasks(run, images, opts.imageRoot));
  await mkdir(join(dir, 'label-studio'), { recursive: true });
  await writeFile(join(dir, 'label-studio', 'tasks.json'), `${JSON.stringify(tasks, null, 1)}\n`);
  await writeFile(join(dir, 'label-studio', 'config.xml'), lsLabelingConfig(run.id));
  if (opts.images === 'copy') await copyImages(images, join(dir, 'label-studio', 'images'));
  return ['label-studio/tasks.json', 'label-studio/config.xml', ...(opts.images === 'copy' ? ['label-studio/images/'] : [])];
}
