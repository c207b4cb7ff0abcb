import { VERSE_CODES, VIEW_LEVELS } from '@vertxnet/core';
import type { ImageResult } from './result.js';

export interface CocoImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
}

export interface CocoCategory {
  /** The level's VerSe code. */
  id: number;
  name: string;
  supercategory: 'vertebra';
}

export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  /** One polygon per body: [x1, y1, x2, y2, …] in source px. */
  segmentation: number[][];
  /** [x, y, width, height]. */
  bbox: [number, number, number, number];
  area: number;
  iscrowd: 0;
  score: number;
}

export interface CocoRun {
  info: { description: string; version: string; date_created: string };
  images: CocoImage[];
  categories: CocoCategory[];
  annotations: CocoAnnotation[];
}

/** The levels any view labels, cranial to caudal: the categories of every run. */
export function cocoCategories(): CocoCategory[] {
  const levels = [...new Set([...VIEW_LEVELS.cervical, ...VIEW_LEVELS.lumbar])];
  return levels.map((name) => ({ id: VERSE_CODES[name]!, name, supercategory: 'vertebra' as const })).sort((a, b) => a.id - b.id);
}

/**
 * A run's results as one COCO detection/segmentation file. Unlabelled bodies (level null) have no
 * category and are left out.
 */
export function buildCocoRun(images: { id: number; fileName: string; width: number; height: number; result: ImageResult }[], createdAt = new Date()): CocoRun {
  const annotations: CocoAnnotation[] = [];
  for (const img of images) {
    for (const v of img.result.vertebrae) {
      if (v.verseCode === null || v.polygon.length < 3) continue;
      annotations.push({
        id: annotations.length + 1,
        image_id: img.id,
        category_id: v.verseCode,
        segmentation: [v.polygon.flat()],
        bbox: v.bbox,
        area: v.area,
        iscrowd: 0,
        score: v.score,
      });
    }
  }
  return {
    info: { description: 'VertXNet vertebral body segmentation', version: '1', date_created: createdAt.toISOString() },
    images: images.map((i) => ({ id: i.id, file_name: i.fileName, width: i.width, height: i.height })),
    categories: cocoCategories(),
    annotations,
  };
}
