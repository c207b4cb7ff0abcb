import { anteriorOf, anteriorSide, localCaudal, spineAxis, type AnteriorChoice } from './measure/axis.js';
import { FITTED_CALIBRATION } from './calibration/fitted.js';
import { isOutOfScope } from './scope.js';
import { bodyCorners, vertebraMeasurements, type VertebraMeasurements } from './measure/corners.js';
import type { Point2 } from './measure/geometry.js';
import { lordosis } from './measure/lordosis.js';
import { measureSpace, type LengthUnit } from './measure/space.js';
import type { FusionResult, PixelSpacing } from './types.js';

/**
 * Vertebral geometry in SOURCE space. Distances are in mm when pixel spacing is known, else in
 * source pixels; angles in degrees, measured in physical space (anisotropic spacing applied).
 * The steps live in measure/ (docs/FUSION.md): space → axis → anterior side → corners → per-body
 * measurements → lordosis.
 */
export type { Point2, LengthUnit, VertebraMeasurements };

export interface ImageMeasurements {
  /** Cervical: C2 inferior to C7 inferior endplate; lumbar: L1 superior to S1 superior endplate. Lordosis positive. */
  lordosis?: { name: 'C2-C7' | 'L1-S1'; degrees: number };
  /** The lordosis was measurable but not written: these end levels have a level probability under `minLevelProbability`. */
  lordosisWithheld?: { name: 'C2-C7' | 'L1-S1'; unsureLevels: string[] };
  /** Side the anterior heuristic chose, as displayed, and how. */
  anterior: AnteriorChoice;
  unit: LengthUnit;
}

export interface MeasureOptions {
  /** Overrides the heuristic. */
  anteriorSide?: 'left' | 'right';
  /** Bulge (fraction of chord length) under which the curvature is too flat to tell anterior. @defaultValue 0.02 */
  minBulge?: number;
  /** The U-Net's facing head decides the anterior side at this probability or above. @defaultValue 0.9 */
  facingThreshold?: number;
  /**
   * An angle is written only when every level it depends on has at least this `levelProbability`
   * (a vertebra without one, never calibrated, counts as sure). @defaultValue the shipped calibration's `measureFrom`
   */
  minLevelProbability?: number;
}

export interface Measurements {
  /** Indexed like fusion.vertebrae; undefined for bodies too small to measure. */
  vertebrae: (VertebraMeasurements | undefined)[];
  image: ImageMeasurements;
}

/**
 * Each body's corners, heights, wedge ratio and endplate angles, and the image's lordosis. The
 * anterior side comes from the U-Net's facing head when it is sure, else from the spine's curvature
 * (measure/axis.ts anteriorSide).
 */
export function measure(fusion: FusionResult, options: MeasureOptions = {}): Measurements {
  const space = measureSpace(fusion);
  const axis = spineAxis(fusion.vertebrae, space);
  const head = fusion.facing && fusion.facing.probability >= (options.facingThreshold ?? 0.9) ? fusion.facing.side : undefined;
  const { side, basis } =
    head && !options.anteriorSide ? { side: head, basis: 'facing-head' as const } : anteriorSide(axis, options.anteriorSide, options.minBulge);
  // An out-of-scope film is not measured: its bodies carry no level a measurement could belong to.
  const vertebrae = fusion.vertebrae.map((v, idx) => {
    if (isOutOfScope(fusion)) return undefined;
    const c = localCaudal(v, axis);
    const corners = bodyCorners(v, idx + 1, fusion.instanceMap, c, anteriorOf(c, side), space);
    return corners ? vertebraMeasurements(corners, space) : undefined;
  });
  const image: ImageMeasurements = { anterior: { side, basis }, unit: space.unit };
  const l = lordosis(fusion, vertebrae, axis.caudal, anteriorOf(axis.caudal, side), space);
  if (l) {
    // The angle hangs on its two end levels: a body one level off gives a confidently wrong angle.
    const minP = options.minLevelProbability ?? FITTED_CALIBRATION.measureFrom;
    const unsure = l.levels.filter((level) => (fusion.vertebrae.find((v) => v.level === level)?.levelProbability ?? 1) < minP);
    if (unsure.length) image.lordosisWithheld = { name: l.name, unsureLevels: unsure };
    else image.lordosis = { name: l.name, degrees: l.degrees };
  }
  return { vertebrae, image };
}

export type { PixelSpacing };
