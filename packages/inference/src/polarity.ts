import type { ForegroundMap, InstanceSet } from '@vertxnet/core';
import { detectionsExtent, foregroundExtent, SURE_FOREGROUND } from './region.js';

/*
 * The polarity pass: a film stored bone-dark (a MONOCHROME1 film exported as if MONOCHROME2, or a
 * negative scanned as it is) shows the models bodies darker than the soft tissue, which neither
 * model has learnt: the U-Net finds next to nothing and the Mask R-CNN scatters weak boxes. A model
 * whose manifest sets `polarityPass` looks at its answer (mirrored and region passes included);
 * where it is weak, the model reads the film inverted the same way and keeps that answer if it is
 * clearly the stronger. Each model decides for itself (the two stages run apart), from evidence it
 * gives on every film, so a film of the right polarity costs nothing more unless its answer is weak.
 */

/** What one pass found, as far as polarity goes: distinct bodies, and how sure the pass was of them. */
export interface PassStrength {
  bodies: number;
  /** U-Net: the share of the content it is sure of (p ≥ 0.9); Mask R-CNN: the mean score of its detections. */
  sureness: number;
}

export interface PolarityRule {
  /** An answer with fewer bodies than this, or a lower sureness, is weak: the inverted film is tried. */
  weakBodies: number;
  weakSureness: number;
  /**
   * The inverse's answer is kept where it is not weak itself, is at least this sure, finds more
   * bodies than the first and is `surerBy` surer: a film the models fail on both ways (an AP film,
   * where either reading finds a few body-like parts) keeps its first answer.
   */
  keptSureness: number;
  surerBy: number;
}

/**
 * Set on 100 films of the phantom's random look (seed 81001, 15 of them inverted) and their 100
 * inverses (docs/EVALUATION.md "Inverted films"): on the 85 films of the right polarity the U-Net
 * gathers 3–8 bodies and is sure of 2.0 % of the content or more, and the Mask R-CNN's mean score is
 * 0.73–1.00; on the 15 inverted ones the U-Net gathers 0–2 bodies and the mean score is 0.32–0.62;
 * read inverted, they give the U-Net 3.2 % sure or more. The U-Net's kept floor of 2.5 % lies
 * between that and the 1.9 % that the real AP films' validation tenth reaches read either way.
 */
export const POLARITY_RULES = {
  foreground: { weakBodies: 3, weakSureness: 0, keptSureness: 0.025, surerBy: 0 },
  detections: { weakBodies: 3, weakSureness: 0.7, keptSureness: 0.7, surerBy: 0.1 },
} as const satisfies Record<string, PolarityRule>;

/** Detections this sure count as bodies for the polarity pass (the mean score weighs the rest). */
export const POLARITY_STRONG_SCORE = 0.7;

export function foregroundStrength(map: ForegroundMap): PassStrength {
  let sure = 0;
  for (const p of map.probability) if (p >= SURE_FOREGROUND) sure++;
  const content = map.frame.width * map.frame.height;
  return { bodies: foregroundExtent(map)?.bodies ?? 0, sureness: content > 0 ? sure / content : 0 };
}

export function detectionsStrength(set: InstanceSet): PassStrength {
  const { detections } = set;
  const strong = { ...set, detections: detections.filter((d) => d.score >= POLARITY_STRONG_SCORE) };
  const mean = detections.length > 0 ? detections.reduce((sum, d) => sum + d.score, 0) / detections.length : 0;
  return { bodies: detectionsExtent(strong)?.bodies ?? 0, sureness: mean };
}

export function isWeak(first: PassStrength, rule: PolarityRule): boolean {
  return first.bodies < rule.weakBodies || first.sureness < rule.weakSureness;
}

export function prefersInverted(first: PassStrength, inverted: PassStrength, rule: PolarityRule): boolean {
  return (
    !isWeak(inverted, rule) && inverted.sureness >= rule.keptSureness && inverted.bodies > first.bodies && inverted.sureness > first.sureness + rule.surerBy
  );
}

/** An 8-bit film with its grey levels reversed. */
export function invertImage(gray8: Uint8Array): Uint8Array {
  const out = new Uint8Array(gray8.length);
  for (let i = 0; i < gray8.length; i++) out[i] = 255 - gray8[i]!;
  return out;
}

/**
 * Runs `read` on the film and, where its answer is weak, on the film inverted; returns the answer
 * the rule prefers, marked `inverted` when it is the inverse's. Without `enabled`, the first answer
 * as it is.
 */
export async function readWithPolarity<T extends { inverted?: boolean }>(
  gray8: Uint8Array,
  read: (film: Uint8Array) => Promise<T>,
  judge: { strength: (answer: T) => PassStrength; rule: PolarityRule; enabled: boolean },
): Promise<T> {
  const answer = await read(gray8);
  if (!judge.enabled) return answer;
  const first = judge.strength(answer);
  if (!isWeak(first, judge.rule)) return answer;
  const other = await read(invertImage(gray8));
  return prefersInverted(first, judge.strength(other), judge.rule) ? { ...other, inverted: true } : answer;
}
