import { performance } from 'node:perf_hooks';
import { ConfigError, ModelError } from '@vertxnet/core';
import type { InferenceModel, ModelOutputs } from './model.js';

export interface BatcherOptions {
  /** Most inputs per run; a full batch runs at once. */
  maxBatch: number;
  /** Longest an input waits for others before its batch runs anyway. */
  maxWaitMs: number;
  /** Called after each successful run with its size and duration, e.g. for metrics. */
  onBatch?: (size: number, seconds: number) => void;
}

/** Collects single-image requests from concurrent callers into batched runs of one model. */
export interface Batcher {
  readonly model: InferenceModel;
  infer(input: Float32Array): Promise<ModelOutputs>;
  /** Runs what is waiting now, refuses new inputs, and resolves when the last run is done; the model stays open. */
  close(): Promise<void>;
}

interface Waiting {
  input: Float32Array;
  deadline: number;
  resolve: (outputs: ModelOutputs) => void;
  reject: (err: unknown) => void;
}

/**
 * A dynamic batcher in the manner of Triton's: a batch runs when it is full, when its oldest input
 * has waited maxWaitMs, or, if the model was busy, as soon as the model is free. Runs never overlap,
 * so under load batches fill while the previous one runs. A failed run rejects every input in it.
 * Batch-1 models take the same path; the model then runs the batch's inputs one after another.
 */
export function createBatcher(model: InferenceModel, options: BatcherOptions): Batcher {
  const { maxBatch, maxWaitMs, onBatch } = options;
  if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) throw new ConfigError(`maxBatch must be an integer >= 1, not ${maxBatch}`);
  if (!(Number.isFinite(maxWaitMs) && maxWaitMs >= 0)) throw new ConfigError(`maxWaitMs must be a number >= 0, not ${maxWaitMs}`);
  const { size } = model.manifest.input;
  const queue: Waiting[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let closing = false;
  let drained: (() => void) | undefined;

  function schedule(): void {
    if (running) return;
    const oldest = queue[0];
    if (!oldest) {
      drained?.();
      return;
    }
    const wait = oldest.deadline - performance.now();
    if (queue.length >= maxBatch || wait <= 0 || closing) {
      clearTimeout(timer);
      timer = undefined;
      void runBatch();
    } else if (!timer) {
      timer = setTimeout(() => {
        timer = undefined;
        schedule();
      }, wait);
    }
  }

  async function runBatch(): Promise<void> {
    running = true;
    const batch = queue.splice(0, maxBatch);
    const started = performance.now();
    try {
      const outputs = await model.run(batch.map((w) => w.input));
      onBatch?.(batch.length, (performance.now() - started) / 1000);
      batch.forEach((w, i) => w.resolve(outputs[i]!));
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      running = false;
      schedule();
    }
  }

  return {
    model,
    infer(input) {
      if (closing) return Promise.reject(new ModelError(`the batcher for ${model.manifest.name} is closed`, { code: 'MODEL_CLOSED' }));
      if (input.length !== size * size) {
        return Promise.reject(
          new ModelError(`input has ${input.length} values; ${model.manifest.name} takes ${size}x${size} = ${size * size}`, {
            code: 'MODEL_INPUT_SHAPE',
          }),
        );
      }
      return new Promise<ModelOutputs>((resolve, reject) => {
        queue.push({ input, deadline: performance.now() + maxWaitMs, resolve, reject });
        schedule();
      });
    },
    close() {
      closing = true;
      const done = new Promise<void>((resolve) => {
        drained = resolve;
      });
      schedule();
      return done;
    },
  };
}
