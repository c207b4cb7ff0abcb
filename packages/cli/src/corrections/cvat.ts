import { basename } from 'node:path';
import { z } from 'zod';
import { CorrectionsError, TASK_LEVELS, flatPolygon, levelCode, parseLevelLabel, polygonStats, type CorrectedShape, type Corrections } from './common.js';
import type { RunFolder, RunImage } from './run-folder.js';

/**
 * CVAT's "COCO 1.0" (instances): the file CVAT exports as annotations/instances_default.json and
 * imports from that path in a zip, or as a bare .json. Polygons are lists of flat [x, y, …] in
 * pixels; masks are RLE with iscrowd 1 (CVAT's mask shapes); labels are matched by category name.
 */
const rleSchema = z.object({
  size: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
  counts: z.union([z.array(z.number().int().nonnegative()), z.string()]),
});
const segmentationSchema = z.union([z.array(z.array(z.number())), rleSchema]);

export const cvatCocoSchema = z
  .object({
    licenses: z.array(z.object({ name: z.string(), id: z.number().int(), url: z.string() }).loose()).optional(),
    info: z.object({ description: z.string().optional() }).loose().optional(),
    categories: z.array(z.object({ id: z.number().int(), name: z.string(), supercategory: z.string().optional() }).loose()),
    images: z.array(
      z.object({ id: z.number().int(), file_name: z.string().min(1), width: z.number().int().positive(), height: z.number().int().positive() }).loose(),
    ),
    annotations: z.array(
      z
        .object({
          id: z.number().int(),
          image_id: z.number().int(),
          category_id: z.number().int(),
          segmentation: segmentationSchema,
          area: z.number().nonnegative(),
          bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
          iscrowd: z.union([z.literal(0), z.literal(1)]),
        })
        .loose(),
    ),
  })
  .loose();
export type CvatCoco = z.infer<typeof cvatCocoSchema>;

/** Where CVAT looks for the annotations in a COCO 1.0 zip. */
export const CVAT_ANNOTATIONS_PATH = 'annotations/instances_default.json';
const RUN_TAG = /VertXNet corrections task of run (\S+)$/;

/** The task's instances_default.json: the run's predicted outlines, a category per level. */
export function buildCvatCoco(run: RunFolder, images: readonly RunImage[], createdAt = new Date()): CvatCoco {
  const annotations: CvatCoco['annotations'] = [];
  images.forEach((img, k) => {
    for (const v of img.result.vertebrae) {
      if (v.level === null || v.polygon.length < 3 || !TASK_LEVELS.includes(v.level)) continue;
      const segmentation = [flatPolygon(v.polygon)];
      const { bbox, area } = polygonStats(segmentation);
      annotations.push({
        id: annotations.length + 1,
        image_id: k + 1,
        category_id: levelCode(v.level),
        segmentation,
        area,
        bbox,
        iscrowd: 0,
        attributes: { occluded: false, score: v.score },
      });
    }
  });
  return {
    licenses: [{ name: '', id: 0, url: '' }],
    info: {
      contributor: 'vertxnet export-task',
      date_created: createdAt.toISOString(),
      description: `VertXNet corrections task of run ${run.id}`,
      url: '',
      version: '1.0',
      year: String(createdAt.getUTCFullYear()),
    },
    categories: TASK_LEVELS.map((name) => ({ id: levelCode(name), name, supercategory: '' })),
    images: images.map((img, k) => ({
      id: k + 1,
      width: img.result.image.width,
      height: img.result.image.height,
      file_name: img.file,
      license: 0,
      flickr_url: '',
      coco_url: '',
      date_captured: 0,
    })),
    annotations,
  };
}

/**
 * A COCO 1.0 file CVAT exported (or this command wrote) as corrections: the reviewer's level and
 * outline of each body, per image name. CVAT's own export leaves the run id out (its info is
 * blank); the images then tie it to the run.
 */
export function parseCvatCoco(value: unknown, file: string): Corrections {
  const parsed = cvatCocoSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CorrectionsError(`${file} is not a COCO 1.0 instances file: ${issue.path.join('.') || 'top level'}: ${issue.message}`);
  }
  const coco = parsed.data;
  const run = RUN_TAG.exec(coco.info?.description ?? '')?.[1];
  const categories = new Map(coco.categories.map((c) => [c.id, c.name]));
  const images = new Map<string, CorrectedShape[]>();
  const sizes = new Map<string, { width: number; height: number }>();
  const byId = new Map<number, { name: string; width: number; height: number }>();
  for (const img of coco.images) {
    const name = basename(img.file_name);
    if (images.has(name)) throw new CorrectionsError(`${file}: image ${name} is listed twice`);
    images.set(name, []);
    sizes.set(name, { width: img.width, height: img.height });
    byId.set(img.id, { name, width: img.width, height: img.height });
  }
  for (const a of coco.annotations) {
    const img = byId.get(a.image_id);
    if (!img) throw new CorrectionsError(`${file}: annotation ${a.id} is of image id ${a.image_id}, which the file does not list`);
    const label = categories.get(a.category_id);
    if (label === undefined) throw new CorrectionsError(`${file}: annotation ${a.id} has category id ${a.category_id}, which the file does not list`);
    const level = parseLevelLabel(label, `${file}: ${img.name}`);
    const seg = a.segmentation;
    if (Array.isArray(seg) ? !seg.some((p) => p.length >= 6) : seg.size[0] !== img.height || seg.size[1] !== img.width) {
      throw new CorrectionsError(
        `${file}: ${img.name}: the ${level} annotation ${a.id} has no outline (a box?) or a mask of another size; draw polygons or masks`,
      );
    }
    images.get(img.name)!.push({ level, segmentation: Array.isArray(seg) ? seg.filter((p) => p.length >= 6) : seg });
  }
  return { format: 'cvat', ...(run !== undefined ? { run } : {}), images, sizes };
}
