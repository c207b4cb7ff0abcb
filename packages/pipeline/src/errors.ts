import { VertxnetError } from '@vertxnet/core';

/** The output folder cannot take this run: not writable, inside the source, or holding another run. */
export class OutputFolderError extends VertxnetError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('OUTPUT_UNUSABLE', message, options);
  }
}
