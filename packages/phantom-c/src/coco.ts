import { VERSE_CODES, VIEW_LEVELS, type Level, type View } from '@vertxnet/core';
import type { Film } from './film.js';

/** COCO records as `vertxnet eval` reads them (the shapes styles A and B write). */
export interface StyleCImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
  view: View;
  seed: number;
  facing: 'left' | 'right';
  cut: 'none' | 'top' | 'bottom' | 'both';
  levels_in_view: Level[];
  bits: 8 | 16;
  style: 'c';
}

export interface StyleCAnnotation {
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

export interface StyleCIgnoreRegion {
  image_id: number;
  level: Level;
  segmentation: number[][];
  bbox: [number, number, number, number];
  area: number;
}

export interface StyleCDataset {
  info: { description: string; version: string; generator: 'phantom-c'; seed: number };
  images: StyleCImage[];
  annotations: StyleCAnnotation[];
  categories: { id: number; name: Level; supercategory: 'vertebra' }[];
  ignore_regions: StyleCIgnoreRegion[];
}

/** The film's record without its pixels: what a worker sends back and the dataset needs. */
export type FilmRecord = Omit<Film, 'pixels'>;

export function emptyDataset(seed: number): StyleCDataset {
  const levels = [...new Set([...VIEW_LEVELS.cervical, ...VIEW_LEVELS.lumbar])];
  return {
    info: {
      description: 'VertXNet style C phantom films: the validation style, for calibration and checks only, never for training',
      version: '1',
      generator: 'phantom-c',
      seed,
    },
    images: [],
    annotations: [],
    categories: levels.map((name) => ({ id: VERSE_CODES[name]!, name, supercategory: 'vertebra' as const })).sort((a, b) => a.id - b.id),
    ignore_regions: [],
  };
}

/** Appends one film: its image record, an annotation per labelled body, an ignore region per other body. */
export function addFilm(dataset: StyleCDataset, film: FilmRecord, written: { fileName: string; bits: 8 | 16 }): void {
  const imageId = dataset.images.length + 1;
  dataset.images.push({
    id: imageId,
    file_name: written.fileName,
    width: film.width,
    height: film.height,
    view: film.view,
    seed: film.seed,
    facing: film.facing,
    cut: film.cut,
    levels_in_view: film.levelsInView,
    bits: written.bits,
    style: 'c',
  });
  for (const body of film.bodies) {
    if (body.labelled) {
      dataset.annotations.push({
        id: dataset.annotations.length + 1,
        image_id: imageId,
        category_id: body.verseCode,
        segmentation: [body.polygon],
        area: body.area,
        bbox: body.bbox,
        iscrowd: 0,
        level: body.level,
        truncated: body.truncated,
      });
    } else {
      dataset.ignore_regions.push({ image_id: imageId, level: body.level, segmentation: [body.polygon], bbox: body.bbox, area: body.area });
    }
  }
}
