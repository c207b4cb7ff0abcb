import { basename } from 'node:path';
import { z } from 'zod';
import { CorrectionsError, TASK_LEVELS, parseLevelLabel, type CorrectedShape, type Corrections } from './common.js';
import type { RunFolder, RunImage } from './run-folder.js';

/**
 * Label Studio's JSON: tasks to import (data + predictions) and the JSON export of annotated
 * tasks (the same, with annotations). Regions are `polygonlabels` results whose points are
 * percentages (0–100) of original_width / original_height, tied to the labeling config by
 * from_name (the PolygonLabels tag) and to_name (the Image tag).
 */
export const LS_FROM_NAME = 'label';
export const LS_TO_NAME = 'image';

const polygonResultSchema = z
  .object({
    id: z.string().optional(),
    from_name: z.string(),
    to_name: z.string(),
    type: z.literal('polygonlabels'),
    original_width: z.number().positive(),
    original_height: z.number().positive(),
    image_rotation: z.number().optional(),
    value: z
      .object({ points: z.array(z.tuple([z.number(), z.number()])).min(3), polygonlabels: z.array(z.string()).length(1), closed: z.boolean().optional() })
      .loose(),
    score: z.number().optional(),
  })
  .loose();
/** A polygon as read back: exports from before original_width/height were recorded leave them out (the run's size stands in). */
const readPolygonSchema = polygonResultSchema.partial({ original_width: true, original_height: true });
/** Any region result: polygons are read; other label types are named in the error. */
const anyResultSchema = z.object({ type: z.string(), from_name: z.string().optional(), value: z.record(z.string(), z.unknown()).optional() }).loose();

const predictionSchema = z.object({ model_version: z.string().optional(), score: z.number().optional(), result: z.array(anyResultSchema) }).loose();
const annotationSchema = z
  .object({ result: z.array(anyResultSchema), was_cancelled: z.boolean().optional(), created_at: z.string().optional(), updated_at: z.string().optional() })
  .loose();
const dataSchema = z.object({ image: z.string().min(1), vertxnet_run: z.string().optional(), vertxnet_image: z.string().optional() }).loose();

/** A task as Label Studio imports it (what export-task writes). */
export const lsImportTaskSchema = z
  .object({
    data: dataSchema,
    predictions: z.array(predictionSchema.extend({ model_version: z.string(), result: z.array(polygonResultSchema) })),
  })
  .loose();
export const lsImportTasksSchema = z.array(lsImportTaskSchema);
/** A task in Label Studio's JSON export: annotations (the reviewer's) and predictions (ids or objects). */
export const lsExportTaskSchema = z
  .object({
    id: z.number().int().optional(),
    data: dataSchema,
    annotations: z.array(annotationSchema).optional(),
    predictions: z.array(z.union([predictionSchema, z.number()])).optional(),
  })
  .loose();
export const lsExportSchema = z.array(lsExportTaskSchema);

type LsTask = z.infer<typeof lsImportTaskSchema>;
type PolygonResult = z.infer<typeof polygonResultSchema>;

const pct = (v: number, of: number) => Math.round((v / of) * 100 * 1e4) / 1e4;

/** The image's URL in a task: --image-root + the file's name, else the path next to tasks.json. */
export function imageUrl(img: RunImage, imageRoot?: string): string {
  const file = encodeURIComponent(img.file);
  return imageRoot !== undefined ? `${imageRoot.replace(/\/+$/, '')}/${file}` : `images/${file}`;
}

/** tasks.json: one task per image, the run's outlines as a prediction Label Studio shows for correction. */
export function buildLsTasks(run: RunFolder, images: readonly RunImage[], imageRoot?: string): LsTask[] {
  return images.map((img) => {
    const { width, height } = img.result.image;
    const result = img.result.vertebrae
      .filter((v) => v.level !== null && v.polygon.length >= 3 && TASK_LEVELS.includes(v.level))
      .map((v, k): PolygonResult => ({
        id: `vx${k + 1}`,
        from_name: LS_FROM_NAME,
        to_name: LS_TO_NAME,
        type: 'polygonlabels',
        original_width: width,
        original_height: height,
        image_rotation: 0,
        value: { points: v.polygon.map(([x, y]) => [pct(x, width), pct(y, height)] as [number, number]), polygonlabels: [v.level!], closed: true },
        score: v.score,
      }));
    return {
      data: { image: imageUrl(img, imageRoot), vertxnet_run: run.id, vertxnet_image: img.name },
      predictions: [{ model_version: run.modelVersion, score: img.result.qc.confidence, result }],
    };
  });
}

/** The labeling config the tasks are for: an Image named `image` and one PolygonLabels Label per level. */
export function lsLabelingConfig(runId: string): string {
  const labels = TASK_LEVELS.map((l) => `    <Label value="${l}"/>`).join('\n');
  return [
    '<View>',
    `  <Header value="VertXNet run ${escapeXml(runId)}: correct each vertebral body's level and outline"/>`,
    `  <Image name="${LS_TO_NAME}" value="$image" zoom="true" zoomControl="true"/>`,
    `  <PolygonLabels name="${LS_FROM_NAME}" toName="${LS_TO_NAME}" strokeWidth="2" opacity="0.3">`,
    labels,
    '  </PolygonLabels>',
    '</View>',
    '',
  ].join('\n');
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The image a task is of: the name export-task put in data, else the image URL's file name (Label Studio's upload prefix removed when needed). */
function taskImageName(data: z.infer<typeof dataSchema>, known: (name: string) => boolean): string {
  if (data.vertxnet_image !== undefined) return data.vertxnet_image;
  const file = decodeURIComponent(basename(data.image.split('?d=').pop()!));
  const unprefixed = file.replace(/^[0-9a-f]{8}-/, '');
  return known(file) || !known(unprefixed) ? file : unprefixed;
}

/**
 * Label Studio's JSON export read as corrections: per task, the latest annotation that was not
 * cancelled, else the first prediction (left as predicted); polygonlabels only.
 */
export function parseLsExport(value: unknown, file: string, sizeOf: (name: string) => { width: number; height: number } | undefined): Corrections {
  const known = (name: string) => sizeOf(name) !== undefined;
  const parsed = lsExportSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CorrectionsError(`${file} is not a Label Studio JSON export (a list of tasks): ${issue.path.join('.') || 'top level'}: ${issue.message}`);
  }
  const runs = new Set(parsed.data.map((t) => t.data.vertxnet_run).filter((r) => r !== undefined));
  if (runs.size > 1) throw new CorrectionsError(`${file} mixes tasks of ${runs.size} runs (${[...runs].join(', ')})`);
  const images = new Map<string, CorrectedShape[]>();
  const sizes = new Map<string, { width: number; height: number }>();
  for (const task of parsed.data) {
    const name = taskImageName(task.data, known);
    if (images.has(name)) throw new CorrectionsError(`${file}: image ${name} has two tasks`);
    const annotations = (task.annotations ?? []).filter((a) => !a.was_cancelled);
    const latest = annotations.sort((a, b) => (a.updated_at ?? a.created_at ?? '').localeCompare(b.updated_at ?? b.created_at ?? '')).at(-1);
    const prediction = (task.predictions ?? []).find((p) => typeof p !== 'number');
    const results = latest?.result ?? (typeof prediction === 'object' ? prediction.result : []);
    const shapes: CorrectedShape[] = [];
    for (const r of results) {
      const shape = polygonShape(r, `${file}: ${name}`, sizeOf(name));
      if (!shape) continue;
      shapes.push(shape.shape);
      sizes.set(name, shape.size);
    }
    images.set(name, shapes);
  }
  const run = [...runs][0];
  return { format: 'label-studio', ...(run !== undefined ? { run } : {}), images, sizes };
}

function polygonShape(
  r: z.infer<typeof anyResultSchema>,
  where: string,
  runSize: { width: number; height: number } | undefined,
): { shape: CorrectedShape; size: { width: number; height: number } } | undefined {
  if (r.type !== 'polygonlabels') {
    if (r.type.endsWith('labels')) throw new CorrectionsError(`${where}: a ${r.type} region: only polygonlabels are read; draw the bodies as polygons`);
    return undefined; // choices, text areas, relations: not shapes
  }
  const p = readPolygonSchema.safeParse(r);
  if (!p.success) throw new CorrectionsError(`${where}: a polygon region is incomplete: ${p.error.issues[0]!.path.join('.')}: ${p.error.issues[0]!.message}`);
  const w = p.data.original_width ?? runSize?.width;
  const h = p.data.original_height ?? runSize?.height;
  if (w === undefined || h === undefined)
    throw new CorrectionsError(`${where}: a polygon region without original_width/original_height, of an image the run does not have`);
  const level = parseLevelLabel(p.data.value.polygonlabels[0]!, where);
  const polygon = p.data.value.points.flatMap(([x, y]) => [Math.round(x * w) / 100, Math.round(y * h) / 100]);
  return { shape: { level, segmentation: [polygon] }, size: { width: w, height: h } };
}
