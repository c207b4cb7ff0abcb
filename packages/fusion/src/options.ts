import { DEFAULT_LEVEL_WEIGHT } from './anchor.js';
import { FusionInputError } from './errors.js';

export interface FusionOptions {
  /** U-Net foreground threshold on probability (0..1). @defaultValue 0.5 */
  foregroundThreshold: number;
  /** Opening radius in frame pixels; `'auto'` = max(1, round(frame.size / 512)). @defaultValue 'auto' */
  openingRadius: number | 'auto';
  /** Components smaller than this fraction of the median body area are dropped. @defaultValue 0.2 */
  minRelativeArea: number;
  /** Mask R-CNN detections below this score are ignored. @defaultValue 0.5 */
  scoreThreshold: number;
  /**
   * A reference class (C2, S1) counts only at this score or above; a lower-scored detection still
   * counts as a vertebra at `scoreThreshold`. Chosen with `landmarkThreshold` on the validation sets
   * (docs/EVALUATION.md): references cut by the film edge score lower, and counting from them labels
   * more partial views right than the rare false reference costs. @defaultValue 0.6
   */
  referenceThreshold: number;
  /**
   * Likewise for the far-end landmark classes (T1, T12). A reference or landmark detection under
   * `scoreThreshold` makes no body of its own: it only marks the body it overlaps. @defaultValue 0.5
   */
  landmarkThreshold: number;
  /** Mask IoU above which the lower-scored detection is suppressed. @defaultValue 0.5 */
  nmsIoU: number;
  /** Share of the smaller mask inside the larger above which it is suppressed too. @defaultValue 0.8 */
  nmsContainment: number;
  /** Highest-scoring detections kept before NMS (bounds the cost of pathological outputs). @defaultValue 200 */
  maxDetections: number;
  /** A chain step this many times the local spacing skips labels. @defaultValue 1.7 */
  gapRatio: number;
  /** Below this raw confidence (qc.rawConfidence) the image gets 'low-confidence'. @defaultValue 0.5 */
  lowConfidence: number;
  /** Dice of the two models' foregrounds below which 'model-disagreement' is raised. @defaultValue 0.7 */
  disagreementDice: number;
  /**
   * Without a reference, anchor the count by matching body shapes, sizes and far-end landmark marks
   * to the view's template (and pick the view by the better shape fit when nothing else says);
   * false = count from the chain end. @defaultValue true
   */
  templateAnchor: boolean;
  /**
   * A view that only a far-end landmark's class (T1, T12) would decide is weighed against the other
   * view on the whole chain: where the mark sits, the body shapes, the level head and the view head
   * (weigh-views.ts). @defaultValue true
   */
  weighLandmarkView: boolean;
  /**
   * The view the film's evidence as a whole makes likelier decides wherever no manifest gives it:
   * the view head, the reference and landmark classes, the chain decoded as either view and the
   * body shapes, weighed by a logistic model fitted on validation films of two styles
   * (view-evidence-fitted.ts; docs/EVALUATION.md, "The view from all the evidence"). It replaces
   * the landmark weighing and the template fit of rule 6. @defaultValue true
   */
  weighViewEvidence: boolean;
  /** Take the view from the U-Net's view head (when its model has one) where no reference class says it. @defaultValue true */
  viewHead: boolean;
  /** The view head decides only at this probability or above; below it the classes and shapes do. @defaultValue 0.9 */
  viewThreshold: number;
  /**
   * A film whose U-Net scope head (when its model has one) gives at least this probability of
   * 'not a lateral spine film' is flagged out-of-scope and gets no levels; 1 = never. A view given
   * by the caller (a manifest) says the film is a lateral one, and skips the check. The lowest
   * that flags at most 1 % of every validation style's laterals (ours, and style C's, whose films
   * the head scores higher: 0.9 flagged 3 % of them), as a lateral wrongly flagged loses every
   * label; it flags 94.9 % of the real AP films' validation tenth (docs/EVALUATION.md, "The scope
   * threshold, checked on style C"). @defaultValue 0.95
   */
  scopeThreshold: number;
  /**
   * Weight of the U-Net level head's evidence (when its model has one) in placing a chain with no
   * reference in view; 0 = ignore the head. Chosen on the validation sets (docs/EVALUATION.md). @defaultValue 1
   */
  levelWeight: number;
  /**
   * A reference detection on a body the film edge cuts is doubtful (a cut C3 can look like C2):
   * with a level head, the chain is decoded anyway and the reference costs this much (negative
   * log-likelihood) to overrule, and a sure view head that disagrees with it decides the view;
   * 0 = a reference always anchors the count and decides the view. 6–12 decode alike on the
   * validation sets (docs/EVALUATION.md). @defaultValue 8
   */
  cutReferenceCost: number;
  /**
   * On a lumbar film, an S1 class on a whole body may still be S2 standing apart from S1 (the
   * Mask R-CNN learnt "the last body is S1"). With a level head the chain is decoded with that one
   * alternative, the reference costing this much to overrule; 0 = a whole reference always anchors
   * the count. 0.5–1 decode best on the validation sets, 2–6 a film fewer (docs/EVALUATION.md, "A
   * reference one body off"). A whole C2 has its own cost, `wholeC2Cost`. @defaultValue 1
   */
  wholeReferenceCost: number;
  /**
   * On a cervical film, a C2 class on a whole body may be the place above C2: the atlas's lateral
   * masses, or a dens standing apart from its body (style C shows both, and the Mask R-CNN gives
   * them its C2 class). With a level head the chain is decoded with that one alternative, the
   * reference costing this much to overrule; 0 = a whole C2 always anchors the count. 8–12 decode
   * alike on the validation sets; 1–7 moved a right C2 of our own cervical set, whose level head
   * read it above C2 (docs/EVALUATION.md, "A C2 one body off"). @defaultValue 10
   */
  wholeC2Cost: number;
  /**
   * A view head at this probability or above decides the view against a reference class on a
   * whole body too (one on a cut body gives way at `viewThreshold`); 0 = never. 0.9–0.98 read the
   * validation sets alike (docs/EVALUATION.md). @defaultValue 0.9
   */
  headOverReference: number;
}

export const DEFAULT_FUSION_OPTIONS: Readonly<FusionOptions> = Object.freeze({
  foregroundThreshold: 0.5,
  openingRadius: 'auto',
  minRelativeArea: 0.2,
  scoreThreshold: 0.5,
  referenceThreshold: 0.6,
  landmarkThreshold: 0.5,
  nmsIoU: 0.5,
  nmsContainment: 0.8,
  maxDetections: 200,
  gapRatio: 1.7,
  lowConfidence: 0.5,
  disagreementDice: 0.7,
  templateAnchor: true,
  weighLandmarkView: true,
  weighViewEvidence: true,
  viewHead: true,
  viewThreshold: 0.9,
  scopeThreshold: 0.95,
  levelWeight: DEFAULT_LEVEL_WEIGHT,
  cutReferenceCost: 8,
  wholeReferenceCost: 1,
  wholeC2Cost: 10,
  headOverReference: 0.9,
});

export function resolveOptions(options?: Partial<FusionOptions>): FusionOptions {
  const o = { ...DEFAULT_FUSION_OPTIONS, ...options };
  const in01 = (v: number) => Number.isFinite(v) && v >= 0 && v <= 1;
  if (!in01(o.foregroundThreshold)) throw new FusionInputError(`foregroundThreshold ${o.foregroundThreshold} is not in 0..1`);
  if (!in01(o.scoreThreshold)) throw new FusionInputError(`scoreThreshold ${o.scoreThreshold} is not in 0..1`);
  if (!in01(o.referenceThreshold)) throw new FusionInputError(`referenceThreshold ${o.referenceThreshold} is not in 0..1`);
  if (!(in01(o.viewThreshold) && o.viewThreshold > 0.5)) throw new FusionInputError(`viewThreshold ${o.viewThreshold} is not in (0.5, 1]`);
  if (!(in01(o.scopeThreshold) && o.scopeThreshold > 0)) throw new FusionInputError(`scopeThreshold ${o.scopeThreshold} is not in (0, 1]`);
  if (!in01(o.landmarkThreshold)) throw new FusionInputError(`landmarkThreshold ${o.landmarkThreshold} is not in 0..1`);
  if (!in01(o.nmsIoU) || !in01(o.nmsContainment)) throw new FusionInputError('NMS thresholds must be in 0..1');
  if (o.openingRadius !== 'auto' && !(Number.isInteger(o.openingRadius) && o.openingRadius >= 0)) {
    throw new FusionInputError(`openingRadius ${o.openingRadius} must be a non-negative integer or 'auto'`);
  }
  if (!(Number.isFinite(o.levelWeight) && o.levelWeight >= 0)) throw new FusionInputError(`levelWeight ${o.levelWeight} must be a non-negative number`);
  if (!(Number.isFinite(o.cutReferenceCost) && o.cutReferenceCost >= 0))
    throw new FusionInputError(`cutReferenceCost ${o.cutReferenceCost} must be a non-negative number`);
  if (!(Number.isFinite(o.wholeReferenceCost) && o.wholeReferenceCost >= 0))
    throw new FusionInputError(`wholeReferenceCost ${o.wholeReferenceCost} must be a non-negative number`);
  if (!(Number.isFinite(o.wholeC2Cost) && o.wholeC2Cost >= 0)) throw new FusionInputError(`wholeC2Cost ${o.wholeC2Cost} must be a non-negative number`);
  if (!(in01(o.headOverReference) && (o.headOverReference === 0 || o.headOverReference > 0.5)))
    throw new FusionInputError(`headOverReference ${o.headOverReference} is neither 0 nor in (0.5, 1]`);
  if (!(o.gapRatio > 1)) throw new FusionInputError(`gapRatio ${o.gapRatio} must exceed 1`);
  if (!(Number.isInteger(o.maxDetections) && o.maxDetections > 0)) throw new FusionInputError('maxDetections must be a positive integer');
  return o;
}
