import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CorrectionsError, parseJsonText, writeFolderAtomically, type CorrectedShape, type Corrections } from './common.js';
import { CVAT_ANNOTATIONS_PATH, parseCvatCoco } from './cvat.js';
import { parseLsExport } from './label-studio.js';
import { readRunFolder, type RunFolder, type RunImage } from './run-folder.js';
import { buildTrainingCoco } from './training-set.js';
import { readZip } from './zip.js';

export interface ImportReport {
  out: string;
  run: string;
  format: Corrections['format'];
  images: number;
  vertebrae: number;
  levels: Record<string, number>;
}

/** Reads a corrected file: a CVAT COCO 1.0 zip, folder or .json, or a Label Studio JSON export. */
export async function readCorrections(file: string, sizeOf: (name: string) => { width: number; height: number } | undefined): Promise<Corrections> {
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new CorrectionsError(`${file}: no such file`);
  if (info.isDirectory()) {
    const inner = join(file, CVAT_ANNOTATIONS_PATH);
    const text = await readFile(inner, 'utf8').catch(() => undefined);
    if (text === undefined) throw new CorrectionsError(`${file} is a folder without ${CVAT_ANNOTATIONS_PATH}: give CVAT's COCO 1.0 export`);
    return parseCvatCoco(parseJsonText(text, inner), inner);
  }
  const data = await readFile(file);
  if (file.toLowerCase().endsWith('.zip') || data.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    const entries = readZip(data, file, (n) => /^annotations\/instances_[^/]*\.json$/.test(n));
    const names = [...entries.keys()].sort();
    const name = names.includes(CVAT_ANNOTATIONS_PATH) ? CVAT_ANNOTATIONS_PATH : names[0];
    if (name === undefined) throw new CorrectionsError(`${file} holds no annotations/instances_*.json: is it CVAT's COCO 1.0 export?`);
    const where = `${file}:${name}`;
    return parseCvatCoco(parseJsonText(Buffer.from(entries.get(name)!).toString('utf8'), where), where);
  }
  const value = parseJsonText(data.toString('utf8'), file);
  return Array.isArray(value) ? parseLsExport(value, file, sizeOf) : parseCvatCoco(value, file);
}

/** Ties each corrected image to the run's image, refusing another run's file, an image the run lacks, or another size. */
export function matchRun(corrections: Corrections, run: RunFolder, file: string): { img: RunImage; shapes: CorrectedShape[] }[] {
  if (corrections.run !== undefined && corrections.run !== run.id) {
    throw new CorrectionsError(`${file} is an export of run ${corrections.run}, not of ${run.dir} (run ${run.id}): give the run it was exported from`);
  }
  const byFile = new Map<string, RunImage>();
  for (const img of run.images.values()) {
    byFile.set(img.name, img);
    byFile.set(img.file, img);
  }
  return [...corrections.images].map(([name, shapes]) => {
    const img = byFile.get(name);
    if (!img) throw new CorrectionsError(`${file} has a correction for ${name}, an image run ${run.id} (${run.dir}) does not have`);
    const size = corrections.sizes.get(name);
    const { width, height } = img.result.image;
    if (size && (size.width !== width || size.height !== height)) {
      throw new CorrectionsError(`${file}: ${name} is ${size.width}×${size.height} there but ${width}×${height} in run ${run.id}: not the same image`);
    }
    if (img.sourcePath === undefined)
      throw new CorrectionsError(`${name}: its source ${img.result.source} is not a local file; the training set needs the image`);
    return { img, shapes };
  });
}

/**
 * Writes the training set of a corrected export: OUT/annotations.json (COCO, categories by level)
 * and OUT/images/ (the run's source images), as training/ reads with --data OUT. All or nothing.
 */
export async function importCorrections(file: string, runDir: string, out: string): Promise<ImportReport> {
  const run = await readRunFolder(runDir);
  const sizes = new Map([...run.images.values()].flatMap((i) => [[i.name, i.result.image] as const, [i.file, i.result.image] as const]));
  const corrections = await readCorrections(file, (n) => sizes.get(n));
  const matched = matchRun(corrections, run, file);
  for (const { img } of matched) {
    if (!(await stat(img.sourcePath!).catch(() => undefined))) throw new CorrectionsError(`${img.name}: its source image ${img.sourcePath} is gone`);
  }
  const coco = buildTrainingCoco(
    matched.map(({ img, shapes }) => ({ file: img.file, width: img.result.image.width, height: img.result.image.height, source: img.result.source, shapes })),
    { run: run.id, format: corrections.format, file: basename(file) },
  );
  await writeFolderAtomically(out, async (dir) => {
    await mkdir(join(dir, 'images'));
    for (const { img } of matched) await copyFile(img.sourcePath!, join(dir, 'images', img.file));
    await writeFile(join(dir, 'annotations.json'), JSON.stringify(coco));
  });
  const levels: Record<string, number> = {};
  for (const { shapes } of matched) for (const s of shapes) levels[s.level] = (levels[s.level] ?? 0) + 1;
  return { out, run: run.id, format: corrections.format, images: matched.length, vertebrae: coco.annotations.length, levels };
}
