import {
  openStorage,
  type ModelRunner,
  type StageHandlers,
  type Storage,
} from '@vertxnet/shared';
import type { StorageOptions } from './stages/context.js';
import { fuseStage } from './stages/fuse.js';
import { prepareImage } from './stages/prepare.js';
import { detectStage, segmentStage } from './stages/segment.js';

export interface StageHandlerDeps {
  /** Where canonical images and model outputs live between stages (shared by every service). */
  work: Storage;
  s3?: StorageOptions;
  maxPixels?: number;
  /** The U-Net (or a batcher in front of it), for the unet handler. */
  unet?: ModelRunner;
  /** The Mask R-CNN (or a batcher in front of it), for the maskrcnn handler. */
  maskrcnn?: ModelRunner;
}

function missing(what: string): never {
  throw new Error(`this service was started without the ${what}; it cannot run that stage`);
}

/**
 * The stage handlers the BullMQ bindings call: each maps a job payload onto one stage function.
 * A service builds them once with what it has (the model workers pass their model).
 */
export function createStageHandlers(deps: StageHandlerDeps): StageHandlers {
  const outputs = new Map<string, Storage>();
  const outStorage = (uri: string): Storage => {
    let storage = outputs.get(uri);
    if (!storage) {
      storage = openStorage(uri, deps.s3);
      outputs.set(uri, storage);
    }
    return storage;
  };
  return {
    prepare: (job) =>
      prepareImage(
        { work: deps.work, ...(deps.s3 ? { s3: deps.s3 } : {}), ...(deps.maxPixels ? { maxPixels: deps.maxPixels } : {}) },
        { source: job.source, ...(job.etag ? { etag: job.etag } : {}), ...(job.view ? { view: job.view } : {}) },
      ),
    unet: (job) => segmentStage({ work: deps.work, runner: deps.unet ?? missing('U-Net') }, { image: job.image }),
    maskrcnn: (job) => detectStage({ work: deps.work, runner: deps.maskrcnn ?? missing('Mask R-CNN') }, { image: job.image }),
    fuse: async (job, children) => {
      const fused = await fuseStage(
        { work: deps.work, out: outStorage(job.out) },
        {
          source: job.source,
          name: job.result,
          image: job.image,
          ...(children.foreground ? { foreground: children.foreground } : {}),
          ...(children.instances ? { instances: children.instances } : {}),
          ...(job.view ? { view: job.view } : {}),
          failures: children.failures,
        },
      );
      return {
        result: `${fused.result}/result.json`,
        summary: { vertebrae: fused.vertebrae, labels: fused.labels, flags: fused.flags },
      };
    },
  };
}
