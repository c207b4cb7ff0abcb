import { type ForegroundMap, type Frame, type InstanceDetection, type InstanceSet, type LevelGrid, ModelError, type View } from '@vertxnet/core';

/** U-Net output for one image (size × size probabilities) → the content region as probability × 255. */
export function toForegroundMap(output: Float32Array, frame: Frame): ForegroundMap {
  const { size, width, height } = frame;
  if (output.length !== size * size) {
    throw new ModelError(`foreground output has ${output.length} values; expected ${size}x${size}`, { code: 'MODEL_OUTPUT_SHAPE' });
  }
  const probability = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = output[y * size + x]!;
      probability[y * width + x] = Math.round(Math.min(1, Math.max(0, p)) * 255);
    }
  }
  return { frame, probability };
}

/** A view head's softmax for one image, by the manifest's viewClasses order. */
export function toViewScores(output: Float32Array, classes: readonly View[]): Record<View, number> {
  if (output.length !== classes.length || !output.every((p) => Number.isFinite(p) && p >= 0 && p <= 1)) {
    throw new ModelError(`view output ${Array.from(output).join(',')} is not ${classes.length} probabilities`, { code: 'MODEL_OUTPUT_SHAPE' });
  }
  const scores = { cervical: 0, lumbar: 0 };
  classes.forEach((c, i) => (scores[c] = output[i]!));
  return scores;
}

/** A scope head's softmax for one image → the probability of 'other' (not a lateral spine film). */
export function toOutOfScope(output: Float32Array, classes: readonly ('lateral' | 'other')[]): number {
  const other = classes.indexOf('other');
  if (output.length !== classes.length || other < 0 || !output.every((p) => Number.isFinite(p) && p >= 0 && p <= 1)) {
    throw new ModelError(`scope output ${Array.from(output).join(',')} is not ${classes.length} probabilities`, { code: 'MODEL_OUTPUT_SHAPE' });
  }
  return output[other]!;
}

/** A facing head's softmax for one image, by the manifest's facingClasses order. */
export function toFacing(output: Float32Array, classes: readonly ('left' | 'right')[]): { left: number; right: number } {
  if (output.length !== classes.length || !output.every((p) => Number.isFinite(p) && p >= 0 && p <= 1)) {
    throw new ModelError(`facing output ${Array.from(output).join(',')} is not ${classes.length} probabilities`, { code: 'MODEL_OUTPUT_SHAPE' });
  }
  const facing = { left: 0, right: 0 };
  classes.forEach((c, i) => (facing[c] = output[i]!));
  return facing;
}

/** A level head's softmax for one image ([1, offsets, height, width]) as a LevelGrid. */
export function toLevelGrid(output: Float32Array, dims: readonly number[], offsets: readonly number[] | undefined): LevelGrid {
  if (!offsets) throw new ModelError(`the model has a level output but its manifest names no levelOffsets`, { code: 'MODEL_IO_MISMATCH' });
  const [n, channels, height, width] = dims;
  if (dims.length !== 4 || n !== 1 || channels !== offsets.length || !(height! > 0 && width! > 0) || output.length !== channels * height! * width!) {
    throw new ModelError(`level output has shape [${dims.join(',')}]; expected [1,${offsets.length},H,W]`, { code: 'MODEL_OUTPUT_SHAPE' });
  }
  if (!output.every((p) => Number.isFinite(p) && p >= 0 && p <= 1)) {
    throw new ModelError('level output holds values that are not probabilities', { code: 'MODEL_OUTPUT_SHAPE' });
  }
  return { offsets: [...offsets], width: width!, height: height!, probability: new Float32Array(output) };
}

/** Mask R-CNN outputs for one image, flattened: K boxes, labels, scores and K × size × size masks. */
export interface InstanceOutputs {
  boxes: ArrayLike<number>;
  labels: ArrayLike<number | bigint>;
  scores: ArrayLike<number>;
  masks: ArrayLike<number>;
}

export interface InstanceOptions {
  /** Detections scoring below this are dropped. @defaultValue 0.3 */
  scoreThreshold?: number;
  /** Mask probability at or above this is inside. @defaultValue 0.5 */
  maskThreshold?: number;
}

/** Detections under this score are dropped unless told otherwise. */
export const INSTANCE_SCORE_THRESHOLD = 0.3;
const INSTANCE_DEFAULTS: Required<InstanceOptions> = { scoreThreshold: INSTANCE_SCORE_THRESHOLD, maskThreshold: 0.5 };

/**
 * Keeps detections at or above the score threshold, thresholds each mask at once inside its box
 * (rounded to whole pixels and clipped to the content region, so the size × size probability maps
 * are never kept), and drops detections whose box or mask is empty. Sorted by score, best first.
 */
export function toInstanceSet(outputs: InstanceOutputs, frame: Frame, classes: readonly string[], options: InstanceOptions = {}): InstanceSet {
  const { scoreThreshold, maskThreshold } = { ...INSTANCE_DEFAULTS, ...options };
  const { size } = frame;
  const count = outputs.scores.length;
  const plane = size * size;
  if (outputs.boxes.length !== count * 4 || outputs.labels.length !== count || outputs.masks.length !== count * plane) {
    throw new ModelError(
      `instance outputs disagree: ${count} scores, ${outputs.boxes.length / 4} boxes, ${outputs.labels.length} labels, ` +
        `${outputs.masks.length / plane} masks of ${size}x${size}`,
      { code: 'MODEL_OUTPUT_SHAPE' },
    );
  }
  const detections: InstanceDetection[] = [];
  for (let k = 0; k < count; k++) {
    const score = outputs.scores[k]!;
    if (!(score >= scoreThreshold)) continue;
    const label = Number(outputs.labels[k]!);
    if (label === 0) continue;
    const className = classes[label];
    if (className === undefined) {
      throw new ModelError(`label ${label} is outside the manifest's ${classes.length} classes`, { code: 'MODEL_OUTPUT_SHAPE' });
    }
    const box = clipBox(outputs.boxes, k, frame);
    const x0 = Math.round(box[0]);
    const y0 = Math.round(box[1]);
    const width = Math.round(box[2]) - x0;
    const height = Math.round(box[3]) - y0;
    if (!(width > 0 && height > 0)) continue;
    const data = new Uint8Array(width * height);
    let area = 0;
    for (let y = 0; y < height; y++) {
      const row = k * plane + (y0 + y) * size + x0;
      for (let x = 0; x < width; x++) {
        if (outputs.masks[row + x]! >= maskThreshold) {
          data[y * width + x] = 1;
          area++;
        }
      }
    }
    if (area === 0) continue;
    detections.push({ className, score, box, mask: { x: x0, y: y0, width, height, data } });
  }
  detections.sort((a, b) => b.score - a.score);
  return { frame, detections, classes: [...classes] };
}

function clipBox(boxes: ArrayLike<number>, k: number, frame: Frame): [number, number, number, number] {
  const clip = (v: number, max: number): number => Math.min(max, Math.max(0, v));
  return [clip(boxes[k * 4]!, frame.width), clip(boxes[k * 4 + 1]!, frame.height), clip(boxes[k * 4 + 2]!, frame.width), clip(boxes[k * 4 + 3]!, frame.height)];
}
