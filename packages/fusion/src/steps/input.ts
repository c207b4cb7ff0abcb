import { foregroundOnFrame, instancesOnFrame, type ForegroundMap, type Frame, type InstanceSet } from '@vertxnet/core';
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
      if (valid(g) && g.sourceWidth === frame.sourceWidth && g.sourceHeight === frame.sourceHeight) return checkInput(onFinerFrame(foreground, instances));
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

/**
 * Both models' outputs on the finer of their two frames of one film: a model's region pass
 * (inference's region.ts) answers on a frame twice as fine, and the other model may not have taken one.
 */
function onFinerFrame(foreground: ForegroundMap, instances: InstanceSet): FusionInput {
  return foreground.frame.size >= instances.frame.size
    ? { foreground, instances: instancesOnFrame(instances, foreground.frame) }
    : { foreground: foregroundOnFrame(foreground, instances.frame), instances };
}
