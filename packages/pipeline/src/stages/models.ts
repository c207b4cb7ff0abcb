import { ModelError, type ModelManifest, type ModelProvenance } from '@vertxnet/core';
import {
  createBatcher,
  loadModel,
  readModelManifest,
  readVerifiedWeights,
  type InferenceModel,
  type LoadModelOptions,
  type ModelRunner,
} from '@vertxnet/inference';

/** The two model stages, by the job name they answer. */
export type ModelRole = 'unet' | 'maskrcnn';

const ROLES = {
  unet: { title: 'U-Net', task: 'foreground-segmentation' },
  maskrcnn: { title: 'Mask R-CNN', task: 'instance-segmentation' },
} as const satisfies Record<ModelRole, { title: string; task: ModelManifest['task'] }>;

/** The models a whole image needs (a batcher in front of each, or the bare model). */
export interface PipelineModels {
  unet: ModelRunner;
  maskrcnn: ModelRunner;
}

/**
 * One line that says which model, in which folder, and what is wrong with it:
 * "the U-Net model in /m/unet cannot be used: /m/unet/manifest.json: not found (…)".
 */
function namedModelError(role: ModelRole, dir: string, err: unknown): unknown {
  if (!(err instanceof ModelError)) return err;
  // A not-found message says all its ENOENT cause would; the cause would only repeat the path.
  const cause = err.code === 'MODEL_NOT_FOUND' ? {} : { cause: err };
  return new ModelError(`the ${ROLES[role].title} model in ${dir} cannot be used: ${err.message}`, { code: err.code, ...cause });
}

function checkTask(role: ModelRole, manifest: ModelManifest, dir: string): void {
  const { task } = ROLES[role];
  if (manifest.task !== task) {
    throw new ModelError(`${dir}: ${manifest.name} does ${manifest.task}; this stage needs ${task}`, { code: 'MODEL_WRONG_TASK' });
  }
}

/**
 * Reads a model folder's manifest and verifies its weights against the sha256 there, without
 * starting a session: what a service or command checks at start, before it takes any work.
 */
export async function checkModel(role: ModelRole, dir: string): Promise<ModelManifest> {
  try {
    const manifest = await readModelManifest(dir);
    checkTask(role, manifest, dir);
    await readVerifiedWeights(dir, manifest);
    return manifest;
  } catch (err) {
    throw namedModelError(role, dir, err);
  }
}

/** Loads the model for one stage; a folder holding the other stage's model is refused. */
export async function loadStageModel(role: ModelRole, dir: string, options: LoadModelOptions = {}): Promise<InferenceModel> {
  try {
    checkTask(role, await readModelManifest(dir), dir);
    return await loadModel(dir, options);
  } catch (err) {
    throw namedModelError(role, dir, err);
  }
}

export interface OpenModelsOptions extends LoadModelOptions {
  /** U-Net inputs batched across concurrent images. @defaultValue 1 */
  unetBatch?: number;
}

export interface OpenedModels {
  runners: PipelineModels;
  provenance: { unet: ModelProvenance; maskrcnn: ModelProvenance };
  /** Runs what is waiting, then releases both sessions. */
  close(): Promise<void>;
}

/**
 * Loads both models for an in-process run (the local runner, the evaluation), each with a batcher
 * in front. When one cannot be loaded, the other is released and the first failure is thrown.
 */
export async function openPipelineModels(dirs: { unet: string; maskrcnn: string }, options: OpenModelsOptions = {}): Promise<OpenedModels> {
  const { unetBatch, ...load } = options;
  const [unet, maskrcnn] = await Promise.allSettled([loadStageModel('unet', dirs.unet, load), loadStageModel('maskrcnn', dirs.maskrcnn, load)]);
  if (unet.status === 'rejected' || maskrcnn.status === 'rejected') {
    await Promise.all([unet, maskrcnn].flatMap((m) => (m.status === 'fulfilled' ? [m.value.close()] : [])));
    throw unet.status === 'rejected' ? unet.reason : (maskrcnn as PromiseRejectedResult).reason;
  }
  const runners = {
    unet: createBatcher(unet.value, { maxBatch: Math.max(1, unetBatch ?? 1), maxWaitMs: 2 }),
    maskrcnn: createBatcher(maskrcnn.value, { maxBatch: 1, maxWaitMs: 0 }),
  };
  return {
    runners,
    provenance: { unet: unet.value.provenance, maskrcnn: maskrcnn.value.provenance },
    close: async () => {
      await Promise.all([runners.unet.close(), runners.maskrcnn.close()]);
      await Promise.all([unet.value.close(), maskrcnn.value.close()]);
    },
  };
}
