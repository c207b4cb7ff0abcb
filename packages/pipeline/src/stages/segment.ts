import { createHash } from 'node:crypto';
import { detectInstances, segmentForeground, type ModelRunner } from '@vertxnet/inference';
import type { Storage } from '@vertxnet/storage';
import { encodeForeground, encodeInstances } from '../intermediates.js';
import { modelRef, readCanonical } from './context.js';

export interface ModelStageDeps {
  work: Storage;
  runner: ModelRunner;
}

function provenanceOf(runner: ModelRunner) {
  return ('infer' in runner ? runner.model : runner).provenance;
}

function outputKey(folder: string, image: string, runner: ModelRunner): string {
  // A mirrored, region or polarity pass changes the outputs of the same weights: they are part of what they are cached under.
  const { mirrorPass, regionPass, polarityPass } = ('infer' in runner ? runner.model : runner).manifest;
  const passes = `${mirrorPass ? '|mirror' : ''}${regionPass ? '|region' : ''}${polarityPass ? '|polarity' : ''}`;
  const id = createHash('sha256')
    .update(`${image}|${modelRef(provenanceOf(runner))}${passes}`)
    .digest('hex')
    .slice(0, 32);
  return `${folder}/${id}.bin`;
}

/** U-Net stage: canonical image → stored foreground map. */
export async function segmentStage(deps: ModelStageDeps, input: { image: string }): Promise<{ foreground: string }> {
  const img = await readCanonical(deps.work, input.image);
  const map = await segmentForeground(deps.runner, img.data, img.width, img.height);
  const foreground = outputKey('foreground', input.image, deps.runner);
  await deps.work.put(foreground, encodeForeground(map, provenanceOf(deps.runner)));
  return { foreground };
}

/** Mask R-CNN stage: canonical image → stored instances. */
export async function detectStage(deps: ModelStageDeps, input: { image: string }): Promise<{ instances: string }> {
  const img = await readCanonical(deps.work, input.image);
  const set = await detectInstances(deps.runner, img.data, img.width, img.height);
  const instances = outputKey('instances', input.image, deps.runner);
  await deps.work.put(instances, encodeInstances(set, provenanceOf(deps.runner)));
  return { instances };
}

export { provenanceOf };
