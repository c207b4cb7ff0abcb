import type { Tensor } from 'onnxruntime-node';
import { type ForegroundMap, type Frame, type InstanceSet, ModelError, type ModelManifest } from '@vertxnet/core';
import type { Batcher } from './batcher.js';
import type { InferenceModel, ModelOutputs } from './model.js';
import {
  INSTANCE_SCORE_THRESHOLD,
  toForegroundMap,
  toInstanceSet,
  toFacing,
  toLevelGrid,
  toOutOfScope,
  toViewScores,
  type InstanceOptions,
} from './postprocess.js';
import { averageMirrored, combineMirroredHeads, mergeMirrored, mirrorDetections, mirrorImage } from './mirror.js';
import { detectionsStrength, foregroundStrength, POLARITY_RULES, readWithPolarity } from './polarity.js';
import { letterbox, normalise } from './preprocess.js';
import { cropImage, detectionsExtent, foregroundExtent, REGION_MIN_BODIES, regionWindow, zoomForeground, zoomInstances } from './region.js';

/** A model, or a batcher in front of one (what a worker uses so concurrent jobs share runs). */
export type ModelRunner = InferenceModel | Batcher;

/** Letterboxes and normalises an 8-bit grayscale image as the manifest says. */
export function prepareInput(manifest: ModelManifest, gray8: Uint8Array, width: number, height: number): { input: Float32Array; frame: Frame } {
  const { pixels, frame } = letterbox(gray8, width, height, manifest.input.size);
  return { input: normalise(pixels, manifest.input.mean, manifest.input.std), frame };
}

/**
 * U-Net: foreground probability over the image's analysis frame. With the manifest's `regionPass`,
 * a film whose foreground spans a small part of it is segmented again in a window around it, on a
 * frame twice as fine (region.ts). With `polarityPass`, a film that reading finds next to nothing
 * on is read inverted too, region pass and all, and the stronger answer kept (polarity.ts).
 */
export async function segmentForeground(runner: ModelRunner, gray8: Uint8Array, width: number, height: number): Promise<ForegroundMap> {
  const manifest = expectTask(runner, 'foreground-segmentation');
  return readWithPolarity(gray8, (film) => segmentWithRegion(runner, manifest, film, width, height), {
    strength: foregroundStrength,
    rule: POLARITY_RULES.foreground,
    enabled: manifest.polarityPass === true,
  });
}

async function segmentWithRegion(runner: ModelRunner, manifest: ModelManifest, gray8: Uint8Array, width: number, height: number): Promise<ForegroundMap> {
  const map = await segmentFilm(runner, manifest, gray8, width, height);
  const window = manifest.regionPass ? regionWindow(foregroundExtent(map), map.frame, REGION_MIN_BODIES.foreground) : undefined;
  if (!window) return map;
  const fine = await segmentFilm(runner, manifest, cropImage(gray8, width, window), window.width, window.height);
  return zoomForeground(map, fine, window);
}

async function segmentFilm(runner: ModelRunner, manifest: ModelManifest, gray8: Uint8Array, width: number, height: number): Promise<ForegroundMap> {
  const { input, frame } = prepareInput(manifest, gray8, width, height);
  const mirrored = manifest.mirrorPass ? prepareInput(manifest, mirrorImage(gray8, width, height), width, height).input : undefined;
  const [outputs, mirroredOutputs] = await runAll(runner, mirrored ? [input, mirrored] : [input]);
  const map = withHeads(toForegroundMap(float32(outputs!, 'foreground', manifest), frame), outputs!, manifest);
  if (!mirroredOutputs) return map;
  const back = withHeads(toForegroundMap(float32(mirroredOutputs, 'foreground', manifest), frame), mirroredOutputs, manifest);
  map.probability = averageMirrored(map.probability, back.probability, frame);
  combineMirroredHeads(map, back);
  return map;
}

function withHeads(map: ForegroundMap, outputs: ModelOutputs, manifest: ModelManifest): ForegroundMap {
  if (manifest.outputs['view']) map.viewScores = toViewScores(float32(outputs, 'view', manifest), manifest.viewClasses ?? ['cervical', 'lumbar']);
  if (manifest.outputs['scope']) map.outOfScope = toOutOfScope(float32(outputs, 'scope', manifest), manifest.scopeClasses ?? ['lateral', 'other']);
  if (manifest.outputs['facing']) map.facing = toFacing(float32(outputs, 'facing', manifest), manifest.facingClasses ?? ['left', 'right']);
  if (manifest.outputs['level']) map.levels = toLevelGrid(float32(outputs, 'level', manifest), tensor(outputs, 'level', manifest).dims, manifest.levelOffsets);
  return map;
}

/**
 * Mask R-CNN: thresholded instances in the image's analysis frame. With the manifest's
 * `regionPass`, a film whose detections span a small part of it is run again in a window around
 * them, on a frame twice as fine (region.ts); with `polarityPass`, a weak answer is checked
 * against the film inverted, read the same way (polarity.ts).
 */
export async function detectInstances(runner: ModelRunner, gray8: Uint8Array, width: number, height: number, options?: InstanceOptions): Promise<InstanceSet> {
  const manifest = expectTask(runner, 'instance-segmentation');
  return readWithPolarity(gray8, (film) => detectWithRegion(runner, manifest, film, width, height, options), {
    strength: detectionsStrength,
    rule: POLARITY_RULES.detections,
    enabled: manifest.polarityPass === true,
  });
}

async function detectWithRegion(
  runner: ModelRunner,
  manifest: ModelManifest,
  gray8: Uint8Array,
  width: number,
  height: number,
  options: InstanceOptions | undefined,
): Promise<InstanceSet> {
  const set = await detectFilm(runner, manifest, gray8, width, height, options);
  const window = manifest.regionPass ? regionWindow(detectionsExtent(set), set.frame, REGION_MIN_BODIES.detections) : undefined;
  if (!window) return set;
  const fine = await detectFilm(runner, manifest, cropImage(gray8, width, window), window.width, window.height, options);
  return zoomInstances(set, fine, window);
}

async function detectFilm(
  runner: ModelRunner,
  manifest: ModelManifest,
  gray8: Uint8Array,
  width: number,
  height: number,
  options: InstanceOptions | undefined,
): Promise<InstanceSet> {
  const { input, frame } = prepareInput(manifest, gray8, width, height);
  const mirrored = manifest.mirrorPass ? prepareInput(manifest, mirrorImage(gray8, width, height), width, height).input : undefined;
  const [outputs, mirroredOutputs] = await runAll(runner, mirrored ? [input, mirrored] : [input]);
  if (!mirroredOutputs) return instancesOf(outputs!, frame, manifest, options);
  // Each pass keeps what it saw down to half the threshold: the mean of the two decides.
  const threshold = options?.scoreThreshold ?? INSTANCE_SCORE_THRESHOLD;
  const perPass = { ...options, scoreThreshold: threshold / 2 };
  const set = instancesOf(outputs!, frame, manifest, perPass);
  const back = mirrorDetections(instancesOf(mirroredOutputs, frame, manifest, perPass).detections, frame);
  return { ...set, detections: mergeMirrored(set.detections, back, frame, threshold) };
}

function instancesOf(outputs: ModelOutputs, frame: Frame, manifest: ModelManifest, options: InstanceOptions | undefined): InstanceSet {
  const labels = tensor(outputs, 'labels', manifest).data;
  if (!(labels instanceof BigInt64Array || labels instanceof Int32Array)) {
    throw new ModelError(`${manifest.name}: output 'labels' is ${tensor(outputs, 'labels', manifest).type}; expected int64`, {
      code: 'MODEL_OUTPUT_SHAPE',
    });
  }
  return toInstanceSet(
    {
      boxes: float32(outputs, 'boxes', manifest),
      labels,
      scores: float32(outputs, 'scores', manifest),
      masks: float32(outputs, 'masks', manifest),
    },
    frame,
    manifest.classes,
    options,
  );
}

/** Each input's outputs, in order: a batcher queues them together, a model runs them as it can. */
async function runAll(runner: ModelRunner, inputs: Float32Array[]): Promise<ModelOutputs[]> {
  if ('infer' in runner) return Promise.all(inputs.map((input) => runner.infer(input)));
  return runner.run(inputs);
}

function expectTask(runner: ModelRunner, task: ModelManifest['task']): ModelManifest {
  const manifest = 'infer' in runner ? runner.model.manifest : runner.manifest;
  if (manifest.task !== task) {
    throw new ModelError(`${manifest.name} is a ${manifest.task} model; this step needs ${task}`, { code: 'MODEL_TASK_MISMATCH' });
  }
  return manifest;
}

function tensor(outputs: ModelOutputs, role: string, manifest: ModelManifest): Tensor {
  const t = outputs[role];
  if (!t) throw new ModelError(`${manifest.name}: the manifest has no output role '${role}'`, { code: 'MODEL_IO_MISMATCH' });
  return t;
}

function float32(outputs: ModelOutputs, role: string, manifest: ModelManifest): Float32Array {
  const t = tensor(outputs, role, manifest);
  if (!(t.data instanceof Float32Array)) {
    throw new ModelError(`${manifest.name}: output '${role}' is ${t.type}; expected float32`, { code: 'MODEL_OUTPUT_SHAPE' });
  }
  return t.data;
}
