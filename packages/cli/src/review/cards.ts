import { NEEDS_REVIEW_FLAG, type ImageResult } from '@vertxnet/fusion';
import { VERSE_CODES } from '@vertxnet/core';

/** What the review page knows of one image: a result, or a failure with its reason. */
export interface ReviewItem {
  /** Result folder name (the image's name in the run). */
  name: string;
  source: string;
  view: string | null;
  /** 0..1; undefined for a failed image. */
  confidence?: number;
  flags: string[];
  /** Levels of the labelled bodies, cranial to caudal. */
  levels: string[];
  /** Why the image has no result. */
  failure?: string;
  /** The detail view's content. */
  detail: ReviewDetail;
}

/** One body in the detail view's table; lengths in `unit`. */
export interface ReviewVertebra {
  level: string | null;
  score: number;
  source: string;
  area: number;
  anteriorHeight?: number;
  middleHeight?: number;
  posteriorHeight?: number;
  wedgeRatio?: number;
  superiorEndplateAngle?: number;
  inferiorEndplateAngle?: number;
}

export interface ReviewDetail {
  name: string;
  source: string;
  failure?: string;
  /** Overlay file in the image's folder, relative to it. */
  overlay?: string;
  view?: { value: string | null; source: string };
  confidence?: number;
  flags?: string[];
  image?: { width: number; height: number; pixelSpacing?: { row: number; column: number } };
  unit?: string;
  lordosis?: { name: string; degrees: number };
  anteriorSide?: string;
  reference?: { level: string; score: number };
  landmark?: { level: string; score: number };
  vertebrae?: ReviewVertebra[];
  models?: Record<string, string>;
  notes?: string[];
}

/** The review item of an image with a result.json; `overlay` names the overlay file found beside it. */
export function itemFromResult(name: string, result: ImageResult, overlay?: string): ReviewItem {
  const flags: string[] = [...result.qc.flags];
  const levels = result.vertebrae.map((v) => v.level).filter((l): l is string => l !== null);
  const models = Object.fromEntries(Object.entries(result.models).flatMap(([k, m]) => (m ? [[k, `${m.name}@${m.version}`]] : [])));
  const notes = Object.entries(result.extra ?? {}).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${k}: ${v}`] : Array.isArray(v) ? [`${k}: ${v.map(String).join('; ')}`] : [],
  );
  const spacing = result.image.pixelSpacing;
  const detail: ReviewDetail = {
    name,
    source: result.source,
    ...(overlay ? { overlay } : {}),
    view: { value: result.view.value, source: result.view.source },
    confidence: result.qc.confidence,
    flags,
    image: { width: result.image.width, height: result.image.height, ...(spacing ? { pixelSpacing: { row: spacing.row, column: spacing.column } } : {}) },
    unit: result.measurements.unit,
    ...(result.measurements.lordosis ? { lordosis: result.measurements.lordosis } : {}),
    anteriorSide: result.measurements.anterior.side,
    ...(result.reference ? { reference: result.reference } : {}),
    ...(result.landmark ? { landmark: result.landmark } : {}),
    vertebrae: result.vertebrae.map((v): ReviewVertebra => {
      const m = v.measurements;
      return {
        level: v.level,
        score: v.score,
        source: v.source,
        area: v.areaMm2 ?? v.area,
        ...(m
          ? {
              anteriorHeight: m.anteriorHeight,
              middleHeight: m.middleHeight,
              posteriorHeight: m.posteriorHeight,
              wedgeRatio: m.wedgeRatio,
              superiorEndplateAngle: m.superiorEndplateAngle,
              inferiorEndplateAngle: m.inferiorEndplateAngle,
            }
          : {}),
      };
    }),
    models,
    ...(notes.length > 0 ? { notes } : {}),
  };
  return { name, source: result.source, view: result.view.value, confidence: result.qc.confidence, flags, levels, detail };
}

/** The review item of an image that got no result. */
export function itemFromFailure(name: string, source: string, reason: string): ReviewItem {
  return { name, source, view: null, flags: [], levels: [], failure: reason, detail: { name, source, failure: reason } };
}

/**
 * The order a reviewer works in: failed images first (they have nothing to check but need eyes),
 * then those flagged needs-review, then the rest by ascending confidence; ties by name.
 */
export function reviewOrder(a: ReviewItem, b: ReviewItem): number {
  return rank(a) - rank(b) || (a.confidence ?? 0) - (b.confidence ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

function rank(item: ReviewItem): number {
  if (item.failure !== undefined) return 0;
  return item.flags.includes(NEEDS_REVIEW_FLAG) ? 1 : 2;
}

/** Flags in the order a reviewer should care: needs-review first, then as found. */
export function flagVocabulary(items: readonly ReviewItem[]): string[] {
  const seen = new Set<string>();
  for (const item of items) for (const f of item.flags) seen.add(f);
  return [...seen].sort((a, b) => (a === NEEDS_REVIEW_FLAG ? -1 : b === NEEDS_REVIEW_FLAG ? 1 : 0));
}

/** Levels found, cranial to caudal (by VerSe code; unknown names last). */
export function levelVocabulary(items: readonly ReviewItem[]): string[] {
  const seen = new Set<string>();
  for (const item of items) for (const l of item.levels) seen.add(l);
  const code = (l: string) => VERSE_CODES[l] ?? 1000;
  return [...seen].sort((a, b) => code(a) - code(b) || (a < b ? -1 : 1));
}
