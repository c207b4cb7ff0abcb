import { REFERENCE_LEVEL, VIEW_LEVELS, type Level, type View } from '@vertxnet/core';
import { median } from './morphology.js';
import type { Point } from './chain.js';

export interface ChainLabels {
  /** One per chain position (cranial first); null outside the view's levels. */
  levels: (Level | null)[];
  /** Whether any gap skipped a label. */
  skipped: boolean;
}

/**
 * Counts levels along a cranial-first chain from an anchor: the reference body when found,
 * otherwise the view's reference end of the chain (top for cervical, bottom for lumbar), or any
 * body with the list index `anchorLevelIndex` (a template fit; see anchor.ts).
 * A step of `gapRatio` × the local spacing or more skips round(step / spacing) − 1 labels (at
 * least one); levels beyond the view's list (C2–T1, T12–S1) are null.
 */
export function labelChain(
  points: readonly Point[],
  view: View,
  anchor: number | undefined,
  gapRatio: number,
  fallbackSpacing: number,
  anchorLevelIndex?: number,
): ChainLabels {
  const n = points.length;
  const list = VIEW_LEVELS[view];
  // The anchor's index in the view's list: the reference unless told otherwise (may lie outside the list).
  const refIndex = anchorLevelIndex ?? list.indexOf(REFERENCE_LEVEL[view]);
  const at = anchor ?? (view === 'cervical' ? 0 : n - 1);
  const steps: number[] = [];
  for (let i = 0; i + 1 < n; i++) steps.push(Math.hypot(points[i + 1]![0] - points[i]![0], points[i + 1]![1] - points[i]![1]));
  const levelIndex = new Array<number>(n).fill(0);
  levelIndex[at] = refIndex;
  let skipped = false;
  const advance = (i: number): number => {
    const spacing = localSpacing(steps, i, fallbackSpacing);
    const ratio = steps[i]! / spacing;
    if (ratio < gapRatio) return 1;
    skipped = true;
    return Math.max(2, Math.round(ratio));
  };
  for (let i = at; i + 1 < n; i++) levelIndex[i + 1] = levelIndex[i]! + advance(i);
  for (let i = at - 1; i >= 0; i--) levelIndex[i] = levelIndex[i + 1]! - advance(i);
  const levels = levelIndex.map((k) => (k >= 0 && k < list.length ? list[k]! : null));
  return { levels, skipped };
}

/** Median of the steps within two positions of step i, excluding i itself. */
function localSpacing(steps: number[], i: number, fallback: number): number {
  const near: number[] = [];
  for (let j = i - 2; j <= i + 2; j++) if (j !== i && j >= 0 && j < steps.length) near.push(steps[j]!);
  const m = near.length ? median(near) : 0;
  return m > 0 ? m : fallback;
}
