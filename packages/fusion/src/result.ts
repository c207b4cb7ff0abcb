import type { Frame, Level, ModelProvenance, View } from '@vertxnet/core';
import { traceContour, type Polygon } from './contour.js';
import { round2 } from './measure/geometry.js';
import { measure, type ImageMeasurements, type MeasureOptions, type VertebraMeasurements } from './measurements.js';
import type { QualityControl } from './qc.js';
import type { FusionResult, PixelSpacing, VertebraSource, ViewSource } from './types.js';

export const RESULT_SCHEMA_VERSION = 1 as const;

/** One vertebral body in result.json; all geometry in SOURCE pixels. */
export interface ImageVertebra {
  level: Level | null;
  verseCode: number | null;
  score: number;
  /** Calibrated probability that `level` is right; absent when unlabelled. */
  levelProbability?: number;
  /** The U-Net level head's probability of `level` over the body (calibration evidence); absent when unlabelled or without a level head. */
  levelHeadProbability?: number;
  source: VertebraSource;
  /** [x, y, width, height]. */
  bbox: [number, number, number, number];
  /** Outer outline, pixel-corner coordinates, simplified to 0.5 px. */
  polygon: Polygon;
  /** Pixels (px²). */
  area: number;
  /** mm², when pixel spacing is known. */
  areaMm2?: number;
  measurements?: VertebraMeasurements;
}

/** result.json: everything fusion knows about one image. */
export interface ImageResult {
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  /** The source's URI or key, as the caller names it. */
  source: string;
  image: { width: number; height: number; frame?: Frame; sopInstanceUid?: string; pixelSpacing?: PixelSpacing };
  /**
   * headProbability: the U-Net view head's probability of `value`, where it has one;
   * evidenceProbability: the view-evidence model's, where fusion weighed the evidence (not for a view from metadata).
   */
  view: { value: View | null; source: ViewSource; headProbability?: number; evidenceProbability?: number };
  /** From the U-Net's facing head: the side the patient faces as displayed, and its probability. */
  facing?: { side: 'left' | 'right'; probability: number };
  /** Where a model read the film inverted (a film stored bone-dark): both models, or only one (`mixed`). */
  polarity?: 'inverted' | 'mixed';
  models: { unet?: ModelProvenance; maskrcnn?: ModelProvenance };
  reference?: { level: Level; score: number };
  /** Without a reference: the far-end landmark (T1 / T12) the labels were counted from. */
  landmark?: { level: Level; score: number };
  vertebrae: ImageVertebra[];
  measurements: ImageMeasurements;
  qc: QualityControl;
  /** Milliseconds per stage. */
  timings: Record<string, number>;
  extra?: Record<string, unknown>;
}

export interface ImageResultInput {
  source: string;
  width: number;
  height: number;
  fusion: FusionResult;
  /** From toSourceLabels: gives outlines and areas at source resolution for labelled bodies. */
  sourceLabels?: Uint8Array;
  models: { unet?: ModelProvenance; maskrcnn?: ModelProvenance };
  timings: Record<string, number>;
  sopInstanceUid?: string;
  measureOptions?: MeasureOptions;
  extra?: Record<string, unknown>;
}

export function buildImageResult(input: ImageResultInput): ImageResult {
  const { fusion, width, height, sourceLabels } = input;
  const { frame } = fusion;
  const sx = width / frame.width;
  const sy = height / frame.height;
  const spacing = fusion.pixelSpacing;
  const measured = measure(fusion, input.measureOptions);
  const vertebrae = fusion.vertebrae.map((v, i): ImageVertebra => {
    let polygon: Polygon | undefined;
    let area = 0;
    let bbox: [number, number, number, number] | undefined;
    if (sourceLabels && v.verseCode !== null) {
      const bounds: [number, number, number, number] = [
        Math.floor((v.bbox[0] - 1) * sx),
        Math.floor((v.bbox[1] - 1) * sy),
        Math.ceil((v.bbox[2] + 1) * sx),
        Math.ceil((v.bbox[3] + 1) * sy),
      ];
      polygon = traceContour(sourceLabels, width, height, v.verseCode, 0.5, bounds)[0];
      const stats = pixelStats(sourceLabels, width, height, v.verseCode, bounds);
      area = stats.area;
      bbox = stats.bbox;
    }
    if (!polygon || area === 0) {
      const traced = traceContour(fusion.instanceMap, frame.width, frame.height, i + 1, 0.5, v.bbox)[0] ?? [];
      polygon = traced.map(([x, y]) => [round2(x * sx), round2(y * sy)]);
      area = Math.round(v.area * sx * sy);
      bbox = [round2(v.bbox[0] * sx), round2(v.bbox[1] * sy), round2((v.bbox[2] - v.bbox[0]) * sx), round2((v.bbox[3] - v.bbox[1]) * sy)];
    }
    const m = measured.vertebrae[i];
    return {
      level: v.level,
      verseCode: v.verseCode,
      score: v.score,
      ...(v.levelProbability !== undefined ? { levelProbability: v.levelProbability } : {}),
      ...(v.levelHeadProbability !== undefined ? { levelHeadProbability: v.levelHeadProbability } : {}),
      source: v.source,
      bbox: bbox!,
      polygon,
      area,
      ...(spacing ? { areaMm2: round2(area * spacing.row * spacing.column) } : {}),
      ...(m ? { measurements: m } : {}),
    };
  });
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    source: input.source,
    image: {
      width,
      height,
      frame,
      ...(input.sopInstanceUid ? { sopInstanceUid: input.sopInstanceUid } : {}),
      ...(spacing ? { pixelSpacing: spacing } : {}),
    },
    view: {
      value: fusion.view,
      source: fusion.viewSource,
      ...(fusion.viewHeadProbability !== undefined ? { headProbability: fusion.viewHeadProbability } : {}),
      ...(fusion.viewEvidenceProbability !== undefined ? { evidenceProbability: fusion.viewEvidenceProbability } : {}),
    },
    ...(fusion.facing ? { facing: fusion.facing } : {}),
    ...(fusion.polarity ? { polarity: fusion.polarity } : {}),
    models: input.models,
    ...(fusion.reference ? { reference: fusion.reference } : {}),
    ...(fusion.landmark ? { landmark: fusion.landmark } : {}),
    vertebrae,
    measurements: measured.image,
    qc: fusion.qc,
    timings: input.timings,
    ...(input.extra ? { extra: input.extra } : {}),
  };
}

function pixelStats(
  labels: Uint8Array,
  w: number,
  h: number,
  code: number,
  b: [number, number, number, number],
): { area: number; bbox: [number, number, number, number] } {
  let area = 0;
  let x0 = w;
  let y0 = h;
  let x1 = 0;
  let y1 = 0;
  for (let y = Math.max(0, b[1]); y < Math.min(h, b[3]); y++) {
    for (let x = Math.max(0, b[0]); x < Math.min(w, b[2]); x++) {
      if (labels[y * w + x] !== code) continue;
      area++;
      if (x < x0) x0 = x;
      if (y < y0) y0 = y;
      if (x + 1 > x1) x1 = x + 1;
      if (y + 1 > y1) y1 = y + 1;
    }
  }
  return { area, bbox: area ? [x0, y0, x1 - x0, y1 - y0] : [0, 0, 0, 0] };
}
