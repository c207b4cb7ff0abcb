import { InputError } from '@vertxnet/core';

/**
 * The model outputs handed to fusion cannot be fused: mismatched frames, arrays of the wrong
 * length, non-finite scores. A bad input never gets better by retrying, so it is an InputError.
 */
export class FusionInputError extends InputError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: 'FUSION_INPUT_INVALID' });
  }
}
