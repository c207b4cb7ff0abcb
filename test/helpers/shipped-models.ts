import { join } from 'node:path';
import { loadModel, type InferenceModel } from '@vertxnet/inference';
import { afterAll, beforeAll } from 'vitest';

const MODELS = new URL('../../models/', import.meta.url).pathname;

export interface ShippedModels {
  unet: InferenceModel;
  maskrcnn: InferenceModel;
}

/**
 * The shipped models of models/, loaded once for the calling test file (one intra-op thread each)
 * and closed after it. Read the fields inside tests and hooks, once beforeAll has run.
 */
export function useShippedModels(): ShippedModels {
  const models = {} as ShippedModels;
  beforeAll(async () => {
    models.unet = await loadModel(join(MODELS, 'unet'), { intraOpThreads: 1 });
    models.maskrcnn = await loadModel(join(MODELS, 'maskrcnn'), { intraOpThreads: 1 });
  }, 60_000);
  afterAll(async () => {
    // Either may be missing when loading failed.
    const loaded: Partial<ShippedModels> = models;
    await loaded.unet?.close();
    await loaded.maskrcnn?.close();
  });
  return models;
}

/** A phantom film's image (0–1) as the 8-bit grey the models read. */
export function filmGray8(film: { image: Float32Array }): Uint8Array {
  return Uint8Array.from(film.image, (v) => Math.round(v * 255));
}
