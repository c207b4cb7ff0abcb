import {
  TransientError,
  openStorage,
  type ModelRunner,
  type StageHandlers,
  type Storage,
} from '@vertxnet/shared';
import type { StorageOptions } from './stages/context.js';
import { fuseStage } from './stages/fuse.js';
import { prepareImage, readDicomSidecar } from './stages/prepare.js';
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

/**
 * A job names the model version its run was submitted with. A worker running another version must
 * not answer for it (results would carry the wrong provenance); another worker may have it, so the
 * job is handed back to be retried rather than failed for good.
 */
function checkModel(job: { model: string }, runner: ModelRunner, stage: string): void {
  const { name, version } = ('infer' in runner ? runner.model : runner).manifest;
  if (job.model !== `${name}@${version}`) {
    throw new TransientError(`${stage} job asks for ${job.model}, but this worker runs ${name}@${version}`, { code: 'MODEL_VERSION_MISMATCH' });
  }
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
    unet: async (job) => {
      const runner = deps.unet ?? missing('U-Net');
      checkModel(job, runner, 'unet');
      return segmentStage({ work: deps.work, runner }, { image: job.image });
    },
    maskrcnn: async (job) => {
      const runner = deps.maskrcnn ?? missing('Mask R-CNN');
      checkModel(job, runner, 'maskrcnn');
      return detectStage({ work: deps.work, runner }, { image: job.image });
    },
    fuse: async (job, children) => {
      const dicom = await readDicomSidecar(deps.work, job.image);
      const fused = await fuseStage(
        { work: deps.work, out: outStorage(job.out) },
        {
          source: job.source,
          name: job.result,
          image: job.image,
          ...(children.foreground ? { foreground: children.foreground } : {}),
          ...(children.instances ? { instances: children.instances } : {}),
          ...(job.view ? { view: job.view } : {}),
          ...(dicom ? { dicom } : {}),
          ...(dicom?.pixelSpacing ? { pixelSpacing: dicom.pixelSpacing } : {}),
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
