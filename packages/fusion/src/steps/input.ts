import type { ForegroundMap, Frame, InstanceSet } from '@vertxnet/core';
import { FusionInputError } from '../errors.js';
import type { FusionInput } from '../types.js';

/** The model outputs fusion works on, checked: at least one model, on one well-formed frame. */
export interface CheckedInput {
  frame: Frame;
  foreground?: ForegroundMap;
  instances?: InstanceSet;
}

/** Step 0: refuses malformed input with a FusionInputError that says what is wrong. */
export function checkInput(input: FusionInput): CheckedInput {
  const { foreground, instances } = input ?? {};
  if (!foreground && !instances) throw new FusionInputError('neither a U-Net nor a Mask R-CNN output was given');
  const frame = (foreground ?? instances)!.frame;
  const valid = (f: Frame | undefined) =>
    !!f && [f.width, f.height, f.size].every((v) => Number.isInteger(v) && v > 0) && f.width <= f.size && f.height <= f.size;
  if (!valid(frame)) throw new FusionInputError('analysis frame is malformed');
  if (foreground && instances) {
    const g = instances.frame;
    if (!valid(g) || g.width !== frame.width || g.height !== frame.height || g.size !== frame.size) {
      throw new FusionInputError(`U-Net frame ${frame.width}x${frame.height}/${frame.size} and Mask R-CNN frame ${g?.width}x${g?.height}/${g?.size} differ`);
    }
  }
  if (foreground && (!(foreground.probability instanceof Uint8Array) || foreground.probability.length !== frame.width * frame.height)) {
    throw new FusionInputError(`foreground has ${foreground.probability?.length} values for a ${frame.width}x${frame.height} frame`);
  }
  const grid = foreground?.levels;
  if (grid) {
    const shaped = [grid.width, grid.height].every((v) => Number.isInteger(v) && v > 0) && Array.isArray(grid.offsets) && grid.offsets.length > 0;
    if (!shaped || !(grid.probability instanceof Float32Array) || grid.probability.length !== grid.offsets.length * grid.width * grid.height) {
      throw new FusionInputError(
        `level grid is malformed (${grid.offsets?.length} offsets on ${grid.width}x${grid.height}, ${grid.probability?.length} values)`,
      );
    }
  }
  if (instances && !Array.isArray(instances.detections)) throw new FusionInputError('instance detections are not an array');
  return { frame, ...(foreground ? { foreground } : {}), ...(instances ? { instances } : {}) };
}
