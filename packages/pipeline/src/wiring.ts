import { performance } from 'node:perf_hooks';
import { TransientError, type View } from '@vertxnet/core';
import type { ModelRunner } from '@vertxnet/inference';
import { openStorage, type Storage } from '@vertxnet/storage';
import type { StageHandlers } from '@vertxnet/queue';
import type { StorageOptions } from './stages/context.js';
import { fuseStage, type FusedImage } from './stages/fuse.js';
import type { PipelineModels } from './stages/models.js';
import { prepareImage, readDicomSidecar, type PrepareDeps, type PreparedImage } from './stages/prepare.js';
import { detectStage, provenanceOf, segmentStage } from './stages/segment.js';

/*
 * The one wiring of the stages. Each stage is a function of the dependencies it uses, required by
 * type: the services bind these handlers to BullMQ (one stage each), the local runner calls
 * processImage for every image, and the evaluation calls runModels. No stage is put together
 * anywhere else.
 */

/** The work store: canonical images and model outputs between stages. */
export interface WorkDeps {
  work: Storage;
}

/**
 * A job names the model version its run was submitted with. A worker running another version must
 * not answer for it (results would carry the wrong provenance); another worker may have it, so the
 * job is handed back to be retried rather than failed for good.
 */
function checkModelVersion(job: { model: string }, runner: ModelRunner, stage: string): void {
  const { name, version } = ('infer' in runner ? runner.model : runner).manifest;
  if (job.model !== `${name}@${version}`) {
    throw new TransientError(`${stage} job asks for ${job.model}, but this worker runs ${name}@${version}`, { code: 'MODEL_VERSION_MISMATCH' });
  }
}

/** prepare: source image → canonical PNG (and its DICOM facts) in the work store. */
export function prepareHandler(deps: PrepareDeps): StageHandlers['prepare'] {
  return (job) => prepareImage(deps, { source: job.source, ...(job.etag ? { etag: job.etag } : {}), ...(job.view ? { view: job.view } : {}) });
}

/** unet: canonical image → foreground map in the work store. */
export function unetHandler(deps: WorkDeps & { unet: ModelRunner }): StageHandlers['unet'] {
  return async (job) => {
    checkModelVersion(job, deps.unet, 'unet');
    return segmentStage({ work: deps.work, runner: deps.unet }, { image: job.image });
  };
}

/** maskrcnn: canonical image → instances in the work store. */
export function maskrcnnHandler(deps: WorkDeps & { maskrcnn: ModelRunner }): StageHandlers['maskrcnn'] {
  return async (job) => {
    checkModelVersion(job, deps.maskrcnn, 'maskrcnn');
    return detectStage({ work: deps.work, runner: deps.maskrcnn }, { image: job.image });
  };
}

/** The output store of each run's out URI, opened once per URI. */
export function outputStores(s3?: StorageOptions): (uri: string) => Storage {
  const opened = new Map<string, Storage>();
  return (uri) => {
    let storage = opened.get(uri);
    if (!storage) {
      storage = openStorage(uri, s3);
      opened.set(uri, storage);
    }
    return storage;
  };
}

/** fusion: both model outputs (or the one that succeeded) → result folder in the run's output store. */
export function fuseHandler(deps: WorkDeps & { outputs: (uri: string) => Storage }): StageHandlers['fuse'] {
  return async (job, children) => {
    const dicom = await readDicomSidecar(deps.work, job.image);
    const fused = await fuseStage(
      { work: deps.work, out: deps.outputs(job.out) },
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
      summary: { vertebrae: fused.vertebrae, labels: fused.labels, flags: fused.flags, ...(fused.polarity ? { polarity: fused.polarity } : {}) },
    };
  };
}

/** Every stage handler, for a process that runs them all (tests, a one-host setup). */
export function createStageHandlers(deps: PrepareDeps & PipelineModels & { outputs?: (uri: string) => Storage }): StageHandlers {
  return {
    prepare: prepareHandler(deps),
    unet: unetHandler(deps),
    maskrcnn: maskrcnnHandler(deps),
    fuse: fuseHandler({ work: deps.work, outputs: deps.outputs ?? outputStores(deps.s3) }),
  };
}

/** Both models over one canonical image, side by side: the keys of their outputs in the work store. */
export async function runModels(deps: WorkDeps & { models: PipelineModels }, image: string): Promise<{ foreground: string; instances: string }> {
  const [fg, inst] = await Promise.all([
    segmentStage({ work: deps.work, runner: deps.models.unet }, { image }),
    detectStage({ work: deps.work, runner: deps.models.maskrcnn }, { image }),
  ]);
  return { foreground: fg.foreground, instances: inst.instances };
}

export interface ImageDeps extends PrepareDeps {
  models: PipelineModels;
  /** Where the result folder goes. */
  out: Storage;
}

export interface ImageInput {
  /** Source URI. */
  source: string;
  /** Result folder name. */
  name: string;
  etag?: string;
  view?: View;
}

/** One image through every stage in this process: prepare → U-Net + Mask R-CNN → fusion, timed. */
export async function processImage(deps: ImageDeps, input: ImageInput): Promise<FusedImage & { prepared: PreparedImage }> {
  const t0 = performance.now();
  const prepared = await prepareImage(deps, { source: input.source, ...(input.etag ? { etag: input.etag } : {}), ...(input.view ? { view: input.view } : {}) });
  const t1 = performance.now();
  const outputs = await runModels(deps, prepared.image);
  const t2 = performance.now();
  const fused = await fuseStage(
    { work: deps.work, out: deps.out },
    {
      source: input.source,
      name: input.name,
      image: prepared.image,
      ...outputs,
      models: { unet: provenanceOf(deps.models.unet), maskrcnn: provenanceOf(deps.models.maskrcnn) },
      ...(prepared.view ? { view: prepared.view } : {}),
      ...(prepared.dicom?.pixelSpacing ? { pixelSpacing: prepared.dicom.pixelSpacing } : {}),
      ...(prepared.dicom ? { dicom: prepared.dicom } : {}),
      timings: { prepare: Math.round(t1 - t0), models: Math.round(t2 - t1) },
    },
  );
  return { ...fused, prepared };
}
