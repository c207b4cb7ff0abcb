import type { FusionResult } from '../types.js';
import type { Point2 } from './geometry.js';

export type LengthUnit = 'mm' | 'px';

/** From frame pixels to physical units: source px × pixel spacing (mm), or source px without one. */
export interface MeasureSpace {
  /** Frame width, to index the instance map. */
  width: number;
  /** Source px per frame px. */
  sx: number;
  sy: number;
  /** Physical units per source px (1 without pixel spacing). */
  px: number;
  py: number;
  unit: LengthUnit;
}

/** Step 1: the scale from the fusion frame to physical space. */
export function measureSpace(fusion: Pick<FusionResult, 'frame' | 'pixelSpacing'>): MeasureSpace {
  const { frame } = fusion;
  const spacing = fusion.pixelSpacing;
  return {
    width: frame.width,
    sx: frame.sourceWidth / frame.width,
    sy: frame.sourceHeight / frame.height,
    px: spacing ? spacing.column : 1,
    py: spacing ? spacing.row : 1,
    unit: spacing ? 'mm' : 'px',
  };
}

/** A frame-pixel point in physical space. */
export function toPhysical(c: readonly [number, number], s: MeasureSpace): Point2 {
  return [c[0] * s.sx * s.px, c[1] * s.sy * s.py];
}
