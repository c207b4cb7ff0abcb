import { VIEW_LEVELS, type View } from '@vertxnet/shared';

/**
 * Where to start counting when the reference vertebra (C2 / S1) was not found. On a film cut
 * through the reference end the chain's end body is NOT the reference, so "top = C2" / "bottom =
 * S1" mislabels every body. Instead the chain is fitted to an anatomical template of body shape
 * (depth/height on the lateral film) and relative size, extended by the unlabelled neighbours that
 * films show (T2–T3 below a cervical spine; T10–T11 above and S2 below a lumbar one).
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
  cervical: [T('C2', 16, 15.5), T('C3', 13, 16), T('C4', 13, 16.5), T('C5', 13, 17), T('C6', 13.5, 17.5), T('C7', 14.5, 17), T('T1', 17, 17.5), T('T2', 18, 18), T('T3', 19, 19)],
  lumbar: [T('T10', 22, 28), T('T11', 23.5, 30), T('T12', 25, 32), T('L1', 26, 35), T('L2', 27, 37), T('L3', 28, 39), T('L4', 28, 41), T('L5', 27, 42), T('S1', 27, 44), T('S2', 22, 36)],
});

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
  const template = LEVEL_TEMPLATES[view];
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
