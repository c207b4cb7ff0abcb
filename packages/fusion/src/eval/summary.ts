import type { View } from '@vertxnet/core';
import { QC_FLAGS, type QcFlag } from '../qc.js';
import type { ImageEvaluation } from './evaluate.js';

export interface EvalImage {
  name: string;
  evaluation: ImageEvaluation;
  /** QC flags of the prediction, for flag rates. */
  flags?: readonly QcFlag[];
  view?: View | null;
}

/** What the dataset knows about an image, for subsets. */
export interface EvalImageMeta {
  view?: View;
  /** Ankylosing spondylitis (bony bridges expected). */
  ankylosingSpondylitis?: boolean;
  /** Part of the view's levels is outside the film or hidden. */
  partialView?: boolean;
}

export interface EvalStats {
  images: number;
  vertebrae: number;
  /** Mean Dice over all ground-truth vertebrae pooled. */
  meanDice: number;
  /** Mean of the per-image mean Dice. */
  meanImageDice: number;
  perLevel: Record<string, { dice: number; identification: number; n: number }>;
  /** Identified ground-truth vertebrae / all ground-truth vertebrae. */
  identificationAccuracy: number;
  /** Pooled label-agnostic detection at IoU 0.5. */
  precision: number;
  recall: number;
  /** Share of images raising each flag (flags with no image are 0). */
  qcFlagRates: Record<QcFlag, number>;
}

export interface EvalSummary extends EvalStats {
  /** Subsets by view, AS and partial view, where metadata says so; empty subsets are left out. */
  subsets: Record<string, EvalStats>;
}

export function summariseEval(images: EvalImage[], meta?: Record<string, EvalImageMeta>): EvalSummary {
  const subsets: Record<string, EvalStats> = {};
  const add = (name: string, keep: (img: EvalImage, m: EvalImageMeta | undefined) => boolean) => {
    const sel = images.filter((img) => keep(img, meta?.[img.name]));
    if (sel.length) subsets[name] = stats(sel);
  };
  for (const view of ['cervical', 'lumbar'] as const) add(`view: ${view}`, (img, m) => (m?.view ?? img.view) === view);
  if (meta) {
    add('ankylosing spondylitis', (_, m) => m?.ankylosingSpondylitis === true);
    add('no ankylosing spondylitis', (_, m) => m?.ankylosingSpondylitis === false);
    add('partial view', (_, m) => m?.partialView === true);
    add('complete view', (_, m) => m?.partialView === false);
  }
  return { ...stats(images), subsets };
}

function stats(images: EvalImage[]): EvalStats {
  let diceSum = 0;
  let vertebrae = 0;
  let identified = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const perLevel: Record<string, { dice: number; identification: number; n: number }> = {};
  const flagCounts = Object.fromEntries(QC_FLAGS.map((f) => [f, 0])) as Record<QcFlag, number>;
  for (const img of images) {
    const e = img.evaluation;
    for (const l of e.levels) {
      diceSum += l.dice;
      vertebrae++;
      if (l.identified) identified++;
      const p = (perLevel[l.level] ??= { dice: 0, identification: 0, n: 0 });
      p.dice += l.dice;
      p.identification += l.identified ? 1 : 0;
      p.n++;
    }
    tp += e.detection.tp;
    fp += e.detection.fp;
    fn += e.detection.fn;
    for (const f of new Set(img.flags ?? [])) flagCounts[f]++;
  }
  for (const p of Object.values(perLevel)) {
    p.dice /= p.n;
    p.identification /= p.n;
  }
  const n = images.length;
  return {
    images: n,
    vertebrae,
    meanDice: vertebrae ? diceSum / vertebrae : 0,
    meanImageDice: n ? images.reduce((s, i) => s + i.evaluation.meanDice, 0) / n : 0,
    perLevel,
    identificationAccuracy: vertebrae ? identified / vertebrae : 0,
    precision: tp + fp ? tp / (tp + fp) : 0,
    recall: tp + fn ? tp / (tp + fn) : 0,
    qcFlagRates: Object.fromEntries(QC_FLAGS.map((f) => [f, n ? flagCounts[f] / n : 0])) as Record<QcFlag, number>,
  };
}
