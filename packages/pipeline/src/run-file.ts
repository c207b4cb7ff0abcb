import { z } from 'zod';
import { NotFoundError, VIEWS } from '@vertxnet/core';
import type { Storage } from '@vertxnet/storage';

/** Where a run's record lives, at the top of its output. */
export const RUN_FILE = 'run.json';

const count = z.number().int().nonnegative();

const RunModelSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  /** A local run loads the models and knows their weights; a distributed run knows the version it asked for. */
  sha256: z.string().optional(),
});

/**
 * run.json: the one record of a run, local (`vertxnet run`) or distributed (the ingest service),
 * written and read through this schema only. docs/ARCHITECTURE.md shows an example.
 */
export const RunFileSchema = z.object({
  id: z.string().min(1),
  /** Which runner wrote it. Files written before the field existed came from local runs. */
  mode: z.enum(['local', 'distributed']).default('local'),
  /** The source as an absolute location (a reused output folder is resumed only for the same one). */
  source: z.string().min(1),
  out: z.string().min(1),
  /** running while images are processed (what a crash leaves); interrupted when stopped early. */
  state: z.enum(['running', 'finished', 'interrupted']),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  seconds: z.number().nonnegative(),
  /** Images labelled by this run (not those resumed) per second. */
  imagesPerSecond: z.number().nonnegative(),
  options: z.object({
    view: z.enum(VIEWS).optional(),
    /** Local runs: images in flight at once. */
    concurrency: z.number().int().positive().optional(),
    /** Local runs: onnxruntime execution providers asked for. */
    executionProviders: z.array(z.string()).optional(),
  }),
  models: z.object({ unet: RunModelSchema, maskrcnn: RunModelSchema }),
  counts: z.object({
    /** Images listed (files left out not counted). */
    images: count,
    /** Images with a result, those resumed or skipped as already done included. */
    succeeded: count,
    failed: count,
    /** Images whose result an earlier run had written (local) or that were done before (distributed). */
    resumed: count,
    notStarted: count,
    /** Files of the source not taken as images (not images, links); `skipped` lists them (the services keep the first 1,000). */
    skippedFiles: count,
  }),
  failures: z.array(
    z.object({
      /** The image's result folder name, where known. */
      name: z.string().optional(),
      source: z.string(),
      /** Distributed runs: the stage that failed for good. */
      stage: z.string().optional(),
      reason: z.string(),
    }),
  ),
  /** Files of the source not taken as images, with the reason. */
  skipped: z.array(z.object({ key: z.string(), reason: z.string() })),
  /** Images taken with a remark, e.g. a multi-page TIFF of which only the first page is analysed. */
  notes: z.array(z.object({ key: z.string(), note: z.string() })),
});

export type RunFile = z.output<typeof RunFileSchema>;

/** Writes run.json, checked against the schema first: a runner cannot write another shape. */
export async function writeRunFile(out: Storage, run: RunFile): Promise<void> {
  const checked = RunFileSchema.parse(run);
  await out.put(RUN_FILE, JSON.stringify(checked, null, 2), { contentType: 'application/json' });
}

/**
 * Reads run.json: undefined when there is none, 'unreadable' when it is not a run record of this
 * shape (then nothing may be inferred from it). Storage errors are thrown, never taken for "none".
 */
export async function readRunFile(out: Storage): Promise<RunFile | 'unreadable' | undefined> {
  let text: string;
  try {
    text = (await out.get(RUN_FILE)).toString('utf8');
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'unreadable';
  }
  const parsed = RunFileSchema.safeParse(json);
  return parsed.success ? parsed.data : 'unreadable';
}

/** 'vertxnet-unet@0.1.0' → { name, version }, as a distributed run's model references give them. */
export function modelOfRef(ref: string): { name: string; version: string } {
  const at = ref.lastIndexOf('@');
  return at > 0 ? { name: ref.slice(0, at), version: ref.slice(at + 1) } : { name: ref, version: 'unknown' };
}
