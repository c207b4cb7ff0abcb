import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { REVIEW_MARKS_FILE, ReviewMarksSchema } from '@vertxnet/core';
import type { ImageResult } from '@vertxnet/fusion';
import { CorrectionsError, readJsonFile } from './common.js';

/** One image of a run with a result: its result folder's name and what the task needs of result.json. */
export interface RunImage {
  /** The result folder's name: the image's id in the run. */
  name: string;
  /** The file name the image has in a task and a training set: the name, with the source's extension when the name has none. */
  file: string;
  /** Local path of the source image, when the source is a local file. */
  sourcePath?: string;
  result: ImageResult;
}

export interface RunFolder {
  dir: string;
  id: string;
  source: string;
  /** `name version` of each model, for a prediction's model_version. */
  modelVersion: string;
  images: Map<string, RunImage>;
}

const runJsonSchema = z.object({
  id: z.string().min(1),
  source: z.string().optional(),
  models: z.record(z.string(), z.object({ name: z.string().optional(), version: z.string().optional() }).loose()).optional(),
});

const resultSchema = z
  .object({
    source: z.string(),
    image: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }).loose(),
    vertebrae: z.array(z.object({ level: z.string().nullable(), score: z.number(), polygon: z.array(z.tuple([z.number(), z.number()])) }).loose()),
    qc: z.object({ flags: z.array(z.string()), confidence: z.number() }).loose(),
  })
  .loose();

/** Reads a local run folder: run.json's id, and every result folder with a readable result.json. */
export async function readRunFolder(dir: string): Promise<RunFolder> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(dir)) throw new CorrectionsError(`${dir}: give a local run folder (copy the run down first)`);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new CorrectionsError(`${dir}: no such run folder`);
  const runJson = runJsonSchema.safeParse(
    await readJsonFile(join(dir, 'run.json')).catch((err: unknown) => {
      if (err instanceof CorrectionsError && err.message.endsWith('no such file')) throw new CorrectionsError(`${dir} is not a run folder: it has no run.json`);
      throw err;
    }),
  );
  if (!runJson.success) throw new CorrectionsError(`${join(dir, 'run.json')} is not a run's report: it has no run id`);
  const images = new Map<string, RunImage>();
  const folders = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
  for (const name of folders.sort()) {
    const file = join(dir, name, 'result.json');
    if (!(await stat(file).catch(() => undefined))) continue;
    const parsed = resultSchema.safeParse(await readJsonFile(file));
    if (!parsed.success) throw new CorrectionsError(`${file} is not a result.json of vertxnet run`);
    const result = parsed.data as unknown as ImageResult;
    const sourcePath = localPath(result.source);
    const ext = extname(name) ? '' : extname(sourcePath ?? result.source);
    images.set(name, { name, file: `${name}${ext}`, ...(sourcePath ? { sourcePath } : {}), result });
  }
  const models = Object.values(runJson.data.models ?? {}).map((m) => [m.name, m.version].filter(Boolean).join(' '));
  return { dir, id: runJson.data.id, source: runJson.data.source ?? '', modelVersion: models.join(' + ') || 'vertxnet', images };
}

function localPath(source: string): string | undefined {
  if (source.startsWith('file://')) return fileURLToPath(source);
  if (source.startsWith('/')) return source;
  return undefined;
}

export type Selection = 'needs-review' | 'wrong' | 'all';
export const SELECTIONS: readonly Selection[] = ['needs-review', 'wrong', 'all'];

/** The names review-marks.json marks wrong; the file must be of this run. */
export async function wrongMarks(file: string, run: RunFolder): Promise<Set<string>> {
  const parsed = ReviewMarksSchema.safeParse(await readJsonFile(file));
  if (!parsed.success) throw new CorrectionsError(`${file} is not a review marks file (run, marks: image, mark) as "Save marks" downloads`);
  if (parsed.data.run !== run.id) throw new CorrectionsError(`${file} holds marks of run ${parsed.data.run}, not of ${run.dir} (run ${run.id})`);
  const unknown = parsed.data.marks.filter((m) => !run.images.has(m.image)).map((m) => m.image);
  if (unknown.length > 0) throw new CorrectionsError(`${file} marks ${unknown[0]}, an image ${run.dir} has no result for`);
  return new Set(parsed.data.marks.filter((m) => m.mark === 'wrong').map((m) => m.image));
}

/** RUN/review-marks.json, where the ingest API stores the marks posted from the review page. */
async function storedMarks(run: RunFolder): Promise<string | undefined> {
  const file = join(run.dir, REVIEW_MARKS_FILE);
  return (await stat(file).catch(() => undefined))?.isFile() ? file : undefined;
}

/** The run's images a task holds, in name order. */
export async function selectImages(run: RunFolder, select: Selection, marks?: string): Promise<RunImage[]> {
  const all = [...run.images.values()];
  switch (select) {
    case 'all':
      return all;
    case 'needs-review':
      return all.filter((i) => i.result.qc.flags.includes('needs-review'));
    case 'wrong': {
      const file = marks ?? (await storedMarks(run));
      if (file === undefined)
        throw new CorrectionsError(`--select wrong needs --marks FILE (review-marks.json from the review page), or ${REVIEW_MARKS_FILE} in the run folder`);
      const wrong = await wrongMarks(file, run);
      return all.filter((i) => wrong.has(i.name));
    }
  }
}
