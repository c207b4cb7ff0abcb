import { ModelError } from '@vertxnet/core';
import { createBatcher, loadModel, type Batcher, type InferenceLogger, type InferenceModel } from '@vertxnet/inference';
import { InferenceMetrics } from '@vertxnet/queue';
import type { Registry } from 'prom-client';
import { checkModel, loadStageModel, type ModelRole } from './stages/models.js';

export interface ModelRunnerOptions {
  dir: string;
  /** The stage the model is for: its task is checked and a failure names it. */
  role?: ModelRole;
  /** Execution providers in order of preference, e.g. ['cuda', 'cpu']. */
  providers?: string[];
  intraOpThreads?: number;
  maxBatch: number;
  maxWaitMs: number;
  logger?: InferenceLogger;
  /** When given, inference durations, batch sizes, load time and model info are exported here. */
  registry?: Registry;
}

/** Loads a model and puts a batcher in front of it, so concurrent jobs of a worker share runs. */
export async function openModelRunner(options: ModelRunnerOptions): Promise<{ model: InferenceModel; runner: Batcher }> {
  const load = {
    ...(options.providers ? { executionProviders: options.providers } : {}),
    ...(options.intraOpThreads ? { intraOpThreads: options.intraOpThreads } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  };
  const model = options.role ? await loadStageModel(options.role, options.dir, load) : await loadModel(options.dir, load);
  const role = model.manifest.task === 'foreground-segmentation' ? 'unet' : 'maskrcnn';
  const metrics = options.registry ? new InferenceMetrics(options.registry) : undefined;
  metrics?.setLoaded(role, { name: model.manifest.name, version: model.manifest.version }, model.loadSeconds);
  const runner = createBatcher(model, {
    maxBatch: model.manifest.input.dynamicBatch ? options.maxBatch : 1,
    maxWaitMs: options.maxWaitMs,
    ...(metrics ? { onBatch: (size: number, seconds: number) => metrics.observeRun(role, seconds, size) } : {}),
  });
  return { model, runner };
}

/** What a model worker's environment says about its model (the same variables for both models). */
export interface ModelWorkerSettings {
  MODEL_DIR: string;
  INFERENCE_PROVIDERS: string[];
  MAX_BATCH: number;
  MAX_BATCH_WAIT_MS: number;
  INTRA_OP_THREADS: number;
}

/** Loads a worker's model from its settings, with a batcher in front of it and metrics in `registry`. */
export function openWorkerModel(
  role: ModelRole,
  settings: ModelWorkerSettings,
  registry: Registry,
  logger: InferenceLogger,
): Promise<{ model: InferenceModel; runner: Batcher }> {
  return openModelRunner({
    dir: settings.MODEL_DIR,
    role,
    providers: settings.INFERENCE_PROVIDERS,
    maxBatch: settings.MAX_BATCH,
    maxWaitMs: settings.MAX_BATCH_WAIT_MS,
    ...(settings.INTRA_OP_THREADS > 0 ? { intraOpThreads: settings.INTRA_OP_THREADS } : {}),
    registry,
    logger,
  });
}

/**
 * A model worker's first step: its model folder is read and its weights verified before the
 * service connects to anything. An unusable model ends the process with one line on stderr
 * (which model, which folder, what is wrong) and exit code 2, as a bad variable does.
 */
export async function checkWorkerModelOrExit(service: string, role: ModelRole, settings: Pick<ModelWorkerSettings, 'MODEL_DIR'>): Promise<void> {
  try {
    await checkModel(role, settings.MODEL_DIR);
  } catch (err) {
    if (!(err instanceof ModelError)) throw err;
    process.stderr.write(`${service}: MODEL_DIR: ${err.message}\n`);
    process.exit(2);
  }
}
