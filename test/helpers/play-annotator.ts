import { basename } from 'node:path';

/**
 * Plays the reviewer of a correction task: replaces the predicted outlines with the phantom's
 * ground truth (its annotations.json), and hands back what CVAT or Label Studio would export.
 */

interface GroundTruthCoco {
  images: { id: number; file_name: string; width: number; height: number }[];
  categories: { id: number; name: string }[];
  annotations: { image_id: number; category_id: number; segmentation: number[][] }[];
}

export interface TruthShape {
  level: string;
  polygon: number[];
}

/** Ground truth per image file name (no folder): level and outline (flat, source px) of each labelled body. */
export function truthByFile(gt: GroundTruthCoco): Map<string, TruthShape[]> {
  const names = new Map(gt.categories.map((c) => [c.id, c.name]));
  const files = new Map(gt.images.map((i) => [i.id, basename(i.file_name)]));
  const out = new Map<string, TruthShape[]>([...files.values()].map((f) => [f, []]));
  for (const a of gt.annotations) out.get(files.get(a.image_id)!)!.push({ level: names.get(a.category_id)!, polygon: a.segmentation[0]! });
  return out;
}

interface CvatFile {
  info?: Record<string, unknown>;
  categories: { id: number; name: string }[];
  images: { id: number; file_name: string }[];
  annotations: unknown[];
}

/** CVAT's COCO 1.0 export after the reviewer redrew every body: CVAT writes a blank info (no run id). */
export function cvatCorrected(task: CvatFile, truth: Map<string, TruthShape[]>): CvatFile {
  const category = new Map(task.categories.map((c) => [c.name, c.id]));
  const annotations = task.images.flatMap((img) =>
    (truth.get(basename(img.file_name)) ?? []).map((t) => ({ image_id: img.id, category_id: category.get(t.level)!, segmentation: [t.polygon] })),
  );
  return {
    ...task,
    info: { contributor: '', date_created: '', description: '', url: '', version: '', year: '' },
    annotations: annotations.map((a, k) => ({ id: k + 1, ...a, area: 0, bbox: box(a.segmentation[0]!), iscrowd: 0, attributes: { occluded: false } })),
  };
}

function box(p: number[]): [number, number, number, number] {
  const xs = p.filter((_, i) => i % 2 === 0);
  const ys = p.filter((_, i) => i % 2 === 1);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)];
}

interface LsTask {
  data: { image: string; vertxnet_image?: string };
  predictions: { result: { original_width: number; original_height: number }[] }[];
}

/** Label Studio's JSON export after the reviewer submitted an annotation per task (predictions kept, as it exports them). */
export function labelStudioCorrected(tasks: LsTask[], truth: Map<string, TruthShape[]>, size: (file: string) => { width: number; height: number }): unknown[] {
  return tasks.map((task, k) => {
    const file = task.data.vertxnet_image ?? basename(task.data.image);
    const { width, height } = size(file);
    const result = (truth.get(file) ?? []).map((t, j) => ({
      id: `gt${j}`,
      from_name: 'label',
      to_name: 'image',
      type: 'polygonlabels',
      origin: 'manual',
      original_width: width,
      original_height: height,
      image_rotation: 0,
      value: { points: pairs(t.polygon).map(([x, y]) => [(x / width) * 100, (y / height) * 100]), polygonlabels: [t.level], closed: true },
    }));
    const at = '2026-12-02T10:00:00.000000Z';
    return {
      id: k + 1,
      ...task,
      annotations: [
        { id: k + 100, completed_by: 1, result, was_cancelled: false, ground_truth: false, created_at: at, updated_at: at, lead_time: 12.5, task: k + 1 },
      ],
    };
  });
}

export function pairs(p: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < p.length; i += 2) out.push([p[i]!, p[i + 1]!]);
  return out;
}
