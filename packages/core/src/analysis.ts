import type { View } from './levels.js';

/**
 * The analysis frame shared by both model stages and fusion: the canonical image scaled so that
 * its long side equals the model input size, placed at the top-left of a square tensor and padded
 * with zeros on the right and bottom. Both models use the same input size, so their outputs line up.
 */
export interface Frame {
  sourceWidth: number;
  sourceHeight: number;
  /** Frame pixels per source pixel. */
  scale: number;
  /** Content size in frame pixels (round(source * scale)). */
  width: number;
  height: number;
  /** Side of the square model input. */
  size: number;
}

export function frameFor(sourceWidth: number, sourceHeight: number, size: number): Frame {
  if (!(sourceWidth > 0 && sourceHeight > 0)) throw new RangeError(`image size ${sourceWidth}x${sourceHeight} is empty`);
  const scale = size / Math.max(sourceWidth, sourceHeight);
  return {
    sourceWidth,
    sourceHeight,
    scale,
    width: Math.max(1, Math.min(size, Math.round(sourceWidth * scale))),
    height: Math.max(1, Math.min(size, Math.round(sourceHeight * scale))),
    size,
  };
}

/** U-Net output: foreground probability × 255 over the frame's content region (row-major, width × height). */
export interface ForegroundMap {
  frame: Frame;
  probability: Uint8Array;
  /** From a U-Net with a view head: the probability of each view (they sum to 1). */
  viewScores?: Record<View, number>;
  /** From a U-Net with a level head: which level each part of the film shows. */
  levels?: LevelGrid;
  /** From a U-Net with a scope head: the probability that the film is not a lateral spine film at all. */
  outOfScope?: number;
  /** From a U-Net with a facing head: the probability that the patient faces left / right as displayed. */
  facing?: { left: number; right: number };
  /** Read on the film inverted (the manifest's `polarityPass` found it bone-dark). */
  inverted?: boolean;
}

/**
 * A level head's output: on a width × height grid laid over the whole square model input (cell
 * side = frame.size / width), the probability of each level offset, an offset being a position
 * along the view's levels counted from its first labelled level (C2 / T12 = 0, C3 / L1 = 1,
 * T11 = -1). Channel-major: probability[(c * height + y) * width + x] for offsets[c].
 */
export interface LevelGrid {
  offsets: readonly number[];
  width: number;
  height: number;
  probability: Float32Array;
}

/** The level head's most probable offset, and its probability, at a point given in source pixels. */
export function likeliestOffsetAt(grid: LevelGrid, frame: Pick<Frame, 'scale' | 'size'>, x: number, y: number): { offset: number; probability: number } {
  const gx = Math.min(grid.width - 1, Math.max(0, Math.floor((x * frame.scale * grid.width) / frame.size)));
  const gy = Math.min(grid.height - 1, Math.max(0, Math.floor((y * frame.scale * grid.height) / frame.size)));
  const cell = gy * grid.width + gx;
  const plane = grid.width * grid.height;
  let best = 0;
  for (let c = 1; c < grid.offsets.length; c++) if (grid.probability[c * plane + cell]! > grid.probability[best * plane + cell]!) best = c;
  return { offset: grid.offsets[best]!, probability: grid.probability[best * plane + cell]! };
}

/** A binary mask placed at (x, y) in frame pixels; data is width × height of 0/1. */
export interface BinaryMask {
  x: number;
  y: number;
  width: number;
  height: number;
  data: Uint8Array;
}

/** One Mask R-CNN instance, in frame pixels. */
export interface InstanceDetection {
  /** Model class name, e.g. 'vertebra', 'C2', 'S1'. */
  className: string;
  score: number;
  /** x0, y0, x1, y1 in frame pixels. */
  box: [number, number, number, number];
  mask: BinaryMask;
}

/** Mask R-CNN output for one image. */
export interface InstanceSet {
  frame: Frame;
  detections: InstanceDetection[];
  /**
   * Every class the model can output (its manifest's list, background first). Fusion reads from it
   * whether a missing landmark class is evidence: a model without T1 / T12 classes never marks them.
   */
  classes?: readonly string[];
  /** Read on the film inverted (the manifest's `polarityPass` found it bone-dark). */
  inverted?: boolean;
}
