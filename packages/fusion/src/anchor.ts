import { VIEW_LEVELS, type View } from '@vertxnet/core';
import { decodingProbability, type BodyLevels } from './level-head.js';
import { median } from './morphology.js';

/**
 * Where to start counting when the reference vertebra (C2 / S1) was not found. On a film cut
 * through the reference end the chain's end body is NOT the reference, so "top = C2" / "bottom =
 * S1" mislabels every body. Instead the chain is matched to an anatomical template of body shape
 * (depth/height on the lateral film) and relative size, extended by the unlabelled neighbours that
 * films show (the atlas above and T2–T5 below a cervical spine; T9–T11 above and S2 below a lumbar
 * one), together with the Mask R-CNN's far-end landmark marks and the U-Net's level head
 * (decodeChainLevels).
 * fitChainToTemplate, on absolute shapes, picks the view when nothing else says.
 *
 * Template values are typical adult dimensions in mm (height × depth of the body, lateral view),
 * not fitted to any evaluation set.
 */
interface TemplateLevel {
  level: string;
  /** Depth / height. */
  ratio: number;
  /** Height × depth, mm² (only ratios between levels matter). */
  area: number;
}

const T = (level: string, height: number, depth: number): TemplateLevel => ({ level, ratio: depth / height, area: height * depth });

export const LEVEL_TEMPLATES: Readonly<Record<View, readonly TemplateLevel[]>> = Object.freeze({
  cervical: [
    // The atlas's lateral masses, the block a detector may take for a body above C2 (an arch, not a body).
    T('C1', 12, 18),
    T('C2', 16, 15.5),
    T('C3', 13, 16),
    T('C4', 13, 16.5),
    T('C5', 13, 17),
    T('C6', 13.5, 17.5),
    T('C7', 14.5, 17),
    T('T1', 17, 17.5),
    T('T2', 18, 18),
    T('T3', 19, 19),
    T('T4', 20, 20),
    T('T5', 20.5, 21),
  ],
  lumbar: [
    T('T7', 19.5, 25),
    T('T8', 20, 26),
    T('T9', 21, 27),
    T('T10', 22, 28),
    T('T11', 23.5, 30),
    T('T12', 25, 32),
    T('L1', 26, 35),
    T('L2', 27, 37),
    T('L3', 28, 39),
    T('L4', 28, 41),
    T('L5', 27, 42),
    T('S1', 27, 44),
    T('S2', 22, 36),
  ],
});

/**
 * Where the view fit starts each template: a lumbar chain is fitted from T9 down, as before the tall
 * field's T7–T8 were added, since flat upper thoracic bodies would let the lumbar template explain a
 * cervical chain as well (the levels of a known view are decoded over the whole template).
 */
const FIT_FROM: Readonly<Record<View, string>> = { cervical: 'C1', lumbar: 'T9' };

/** Spread of ln(depth/height) and of ln(relative area) of a segmented body around its template. */
const SIGMA_RATIO = 0.12;
const SIGMA_AREA = 0.25;
/** Cost added (in squared sigmas) for an offset that contradicts an untruncated reference end. */
const END_PRIOR = 1;

export interface ChainBody {
  /** Depth / height measured across / along the chain. */
  ratio: number;
  /** Pixels. */
  area: number;
  /** Touches the image edge: its shape and size say nothing. */
  truncated: boolean;
  /** Marked by the view's far-end landmark class (T1 / T12) at the landmark threshold; undefined when the model has no such class. */
  marked?: boolean;
  /** The U-Net level head's distribution over level offsets for this body, when the model has one. */
  levels?: BodyLevels;
}

export interface AnchorFit {
  /** Index in VIEW_LEVELS[view] of chain position 0 (may be < 0 or ≥ the list's length). */
  firstLevelIndex: number;
  /** Mean cost per usable body (squared sigmas). */
  cost: number;
}

/**
 * Best offset of a cranial-first chain against the view's template. Position i maps to template
 * index k + i; every usable (untruncated) body must fall inside the template. When the reference
 * end of the chain is not truncated, offsets that do not put the reference there pay END_PRIOR
 * (nothing suggests it was cut off).
 */
export function fitChainToTemplate(bodies: readonly ChainBody[], view: View): AnchorFit | undefined {
  const template = LEVEL_TEMPLATES[view].slice(LEVEL_TEMPLATES[view].findIndex((t) => t.level === FIT_FROM[view]));
  const list = VIEW_LEVELS[view];
  const listStart = template.findIndex((t) => t.level === list[0]);
  const refT = template.findIndex((t) => t.level === (view === 'cervical' ? 'C2' : 'S1'));
  const n = bodies.length;
  const usable = bodies.map((b, i) => ({ ...b, i })).filter((b) => !b.truncated && b.area > 0 && b.ratio > 0);
  if (usable.length < 2) return undefined;
  const refEnd = view === 'cervical' ? 0 : n - 1;
  const refEndCut = bodies[refEnd]!.truncated;
  let best: AnchorFit | undefined;
  const lo = Math.min(...usable.map((b) => b.i));
  const hi = Math.max(...usable.map((b) => b.i));
  // Both chain ends cut by the film edge: neither end of the labelled range is in view, and a film
  // aimed at the region centres it, so only the centred offsets (one, or two for an odd remainder)
  // are tried; the shapes choose between two.
  const bothEndsCut = bodies[0]!.truncated && bodies[n - 1]!.truncated && n <= list.length;
  const centred = (k: number) => Math.abs(k - listStart - (list.length - n) / 2) <= 0.5;
  for (let k = 0 - lo; k + hi < template.length; k++) {
    if (bothEndsCut && !centred(k)) continue;
    // Scale: the mean log ratio of measured to template area.
    let s = 0;
    for (const b of usable) s += Math.log(b.area) - Math.log(template[k + b.i]!.area);
    s /= usable.length;
    let cost = 0;
    for (const b of usable) {
      const t = template[k + b.i]!;
      cost += ((Math.log(b.ratio) - Math.log(t.ratio)) / SIGMA_RATIO) ** 2;
      cost += ((Math.log(b.area) - Math.log(t.area) - s) / SIGMA_AREA) ** 2;
    }
    cost /= usable.length;
    if (!refEndCut && k + refEnd !== refT) cost += END_PRIOR;
    if (!best || cost < best.cost) best = { firstLevelIndex: k - listStart, cost };
  }
  return best;
}

/**
 * How often the Mask R-CNN's far-end landmark class marks a body of each level (score ≥ the 0.5
 * landmark threshold), measured for Mask R-CNN 0.2.0 on the validation sets (docs/EVALUATION.md),
 * never on the held-out set (T4, T5 and T9, rarely in view, take their neighbour's rate). The class
 * spills onto the thoracic neighbours of T1 and T12 and now and then onto C7, so a mark says "T1 or
 * below", not "T1".
 */
export const LANDMARK_MARK_RATE: Readonly<Record<View, Readonly<Record<string, number>>>> = Object.freeze({
  cervical: { C1: 0.01, C2: 0.01, C3: 0.01, C4: 0.01, C5: 0.01, C6: 0.01, C7: 0.22, T1: 0.76, T2: 0.75, T3: 0.72, T4: 0.72, T5: 0.72 },
  lumbar: { T7: 0.86, T8: 0.86, T9: 0.86, T10: 0.86, T11: 0.92, T12: 0.98, L1: 0.02, L2: 0.01, L3: 0.01, L4: 0.01, L5: 0.01, S1: 0.01, S2: 0.01 },
});

/** Spread of ln(depth/height) of a body around its template once the film's own aspect is taken out. */
const SIGMA_RELATIVE_RATIO = 0.06;
/** Most one body's misfit may cost: a fragment or a sliver the film edge did not touch is an outlier, not evidence. */
const MISFIT_CAP = 4.5;
/** Bodies under this share of the median area are fragments whose shape says nothing. */
const SLIVER = 0.5;
/**
 * Cost (negative log-likelihood) of an offset that contradicts an untruncated reference end, where
 * no level head places the chain: a real chain may run past C2 or S1 (the atlas, a segmented S2),
 * and where the head speaks the prior only misleads (docs/EVALUATION.md, "A reference one body off").
 */
const END_COST = 8;
/** The level head's probability is floored here: one body it is sure of wrongly costs at most -ln(floor) × weight. */
const LEVEL_FLOOR = 0.02;
/**
 * Weight of each body's level-head log-probability. Chosen on the validation sets (docs/EVALUATION.md):
 * 0.5, 1 and 2 decode alike there; 1 keeps the head's probabilities as they are. 0.5 decodes the
 * validation style C better but made style B worse: measured, not shipped (docs/EVALUATION.md, "The
 * level head's weight, checked on style C").
 */
export const DEFAULT_LEVEL_WEIGHT = 1;

/**
 * A reference found on the chain that the decoding may overrule: its chain position, the cost of
 * an offset that does not put the reference level there, and whether the only other place it may
 * take is the body just beyond the reference level (S2 below S1, C1 above C2: a whole body carrying
 * the reference class is at worst that neighbour, as a segmented S2 is on many real films).
 */
export interface ReferenceDoubt {
  at: number;
  cost: number;
  beyondOnly?: boolean;
}

export interface ChainDecoding extends AnchorFit {
  /** Negative log-likelihood of the best offset (shape + landmark marks + level head + end and reference priors). */
  cost: number;
}

/**
 * The most likely levels of a cranial-first chain of a known view with no reference in view: the
 * offset into the view's template that maximises the joint likelihood of
 * - every untruncated body's shape (depth/height) and relative size against the template, with the
 *   film's own aspect and scale fitted out (patients and magnification differ; the sequence does not),
 * - the far-end landmark marks along the whole chain (LANDMARK_MARK_RATE: a mark is likely on T1 and
 *   below, rare on C7 and above, so the first mark alone would be T1 only half the time),
 * - the level head's probability of each body's level (levelWeight × -ln p, p floored), when the
 *   U-Net has one,
 * - an untruncated reference end being the reference, and a doubtful reference found on a cut body
 *   (`reference`: its chain position and the cost of an offset that does not put the reference there).
 * A chain cut at both ends with no mark and no level head tries only the offsets that centre it on
 * the view's range, as in fitChainToTemplate (a mark places the chain by itself; the lowest body of
 * a cervical film is often cut by the bottom edge below T1).
 */
export function decodeChainLevels(
  bodies: readonly ChainBody[],
  view: View,
  rates = LANDMARK_MARK_RATE[view],
  levelWeight = DEFAULT_LEVEL_WEIGHT,
  reference?: ReferenceDoubt,
): ChainDecoding | undefined {
  const template = LEVEL_TEMPLATES[view];
  const list = VIEW_LEVELS[view];
  const n = bodies.length;
  if (n === 0) return undefined;
  const listStart = template.findIndex((t) => t.level === list[0]);
  const refT = template.findIndex((t) => t.level === (view === 'cervical' ? 'C2' : 'S1'));
  const refEnd = view === 'cervical' ? 0 : n - 1;
  const typical = median(bodies.map((b) => b.area));
  const usable = bodies.map((b, i) => ({ ...b, i })).filter((b) => !b.truncated && b.area >= SLIVER * typical && b.ratio > 0);
  const lo = usable.length ? Math.min(...usable.map((b) => b.i)) : 0;
  const hi = usable.length ? Math.max(...usable.map((b) => b.i)) : n - 1;
  const placed = levelWeight > 0 && bodies.some((b) => b.levels);
  const bothEndsCut = bodies[0]!.truncated && bodies[n - 1]!.truncated && n <= list.length && !bodies.some((b) => b.marked) && !placed;
  const refEndWhole = !bodies[refEnd]!.truncated && bodies[refEnd]!.area >= SLIVER * typical;
  const centred = (k: number) => Math.abs(k - listStart - (list.length - n) / 2) <= 0.5;
  const rateAt = (t: number) => clampRate(rates[template[Math.max(0, Math.min(template.length - 1, t))]!.level] ?? 0.5);
  let best: ChainDecoding | undefined;
  for (let k = 0 - lo; k + hi < template.length; k++) {
    if (bothEndsCut && !centred(k)) continue;
    if (reference?.beyondOnly && k + reference.at !== refT && k + reference.at !== refT + (view === 'lumbar' ? 1 : -1)) continue;
    let cost = 0;
    if (usable.length >= 2) {
      let dr = 0;
      let da = 0;
      for (const b of usable) {
        dr += Math.log(b.ratio) - Math.log(template[k + b.i]!.ratio);
        da += Math.log(b.area) - Math.log(template[k + b.i]!.area);
      }
      dr /= usable.length;
      da /= usable.length;
      for (const b of usable) {
        const t = template[k + b.i]!;
        const misfit =
          0.5 * ((Math.log(b.ratio) - Math.log(t.ratio) - dr) / SIGMA_RELATIVE_RATIO) ** 2 +
          0.5 * ((Math.log(b.area) - Math.log(t.area) - da) / SIGMA_AREA) ** 2;
        cost += Math.min(MISFIT_CAP, misfit);
      }
    }
    for (let i = 0; i < n; i++) {
      const marked = bodies[i]!.marked;
      if (marked === undefined) continue;
      const p = rateAt(k + i);
      cost -= Math.log(marked ? p : 1 - p);
    }
    if (placed) {
      for (let i = 0; i < n; i++) {
        const levels = bodies[i]!.levels;
        if (levels) cost -= levelWeight * Math.log(Math.max(LEVEL_FLOOR, decodingProbability(levels, k + i - listStart)));
      }
    }
    if (refEndWhole && !placed && k + refEnd !== refT) cost += END_COST;
    if (reference && k + reference.at !== refT) cost += reference.cost;
    if (!best || cost < best.cost) best = { firstLevelIndex: k - listStart, cost };
  }
  return best;
}

function clampRate(p: number): number {
  return Math.min(0.98, Math.max(0.02, p));
}
