import { VERSE_CODES, VIEW_LEVELS, type Level, type View } from '@vertxnet/core';
import type { AnatomyRecord } from './anatomy/variation.js';
import type { FilmLook } from './look/film-look.js';
import type { Phantom } from './phantom.js';

export interface CocoImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
  view: View;
  seed: number;
  facing: 'left' | 'right';
  as: boolean;
  implants: boolean;
  levels_in_view: Level[];
  bits: 8 | 16;
  bits_stored: number;
  format: string;
  cut: string;
  /** 'head' on head films (the whole skull in the field); absent on spine films. */
  field?: 'head';
  label_file: string;
  /** The randomised film look (written only with look 'random'), for slicing an evaluation. */
  look?: FilmLook;
  /** The varied anatomy (written only with anatomy 'random'). */
  anatomy?: AnatomyRecord;
}

export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  segmentation: number[][];
  area: number;
  bbox: [number, number, number, number];
  iscrowd: 0;
  level: Level;
  truncated: boolean;
}

export interface CocoCategory {
  id: number;
  name: Level;
  supercategory: 'vertebra';
}

/**
 * A vertebral body in view that no label applies to (T2, T10, T11). Not a COCO annotation (it has
 * no category here): a top-level list that evaluators use as ignore regions and others skip.
 */
export interface CocoIgnoreRegion {
  image_id: number;
  level: Level;
  segmentation: number[][];
  bbox: [number, number, number, number];
  area: number;
}

export interface CocoDataset {
  info: { description: string; version: string; generator: string; seed: number };
  images: CocoImage[];
  annotations: CocoAnnotation[];
  categories: CocoCategory[];
  ignore_regions: CocoIgnoreRegion[];
}

/** One category per level labelled in either view, id = VerSe code. */
export function cocoCategories(): CocoCategory[] {
  const levels = [...new Set([...VIEW_LEVELS.cervical, ...VIEW_LEVELS.lumbar])];
  return levels.map((name) => ({ id: VERSE_CODES[name]!, name, supercategory: 'vertebra' as const })).sort((a, b) => a.id - b.id);
}

/** Appends one phantom's image and annotations to a dataset under construction. */
export function addToCoco(dataset: CocoDataset, phantom: Phantom, fileName: string, labelFile: string): void {
  const imageId = dataset.images.length + 1;
  const m = phantom.meta;
  dataset.images.push({
    id: imageId,
    file_name: fileName,
    width: phantom.width,
    height: phantom.height,
    view: m.view,
    seed: m.seed,
    facing: m.facing,
    as: m.ankylosing,
    implants: m.implants,
    levels_in_view: m.levelsInView,
    bits: m.bits,
    bits_stored: m.bitsStored,
    format: phantom.format,
    cut: m.cut,
    ...(m.field ? { field: m.field } : {}),
    label_file: labelFile,
    ...(m.look ? { look: m.look } : {}),
    ...(m.anatomy ? { anatomy: m.anatomy } : {}),
  });
  for (const instance of phantom.instances) {
    dataset.annotations.push({
      id: dataset.annotations.length + 1,
      image_id: imageId,
      category_id: instance.verseCode,
      segmentation: [instance.polygon],
      area: instance.area,
      bbox: instance.bbox,
      iscrowd: 0,
      level: instance.level,
      truncated: instance.truncated,
    });
  }
  for (const body of phantom.unlabelled) {
    dataset.ignore_regions.push({ image_id: imageId, level: body.level, segmentation: [body.polygon], bbox: body.bbox, area: body.area });
  }
}
