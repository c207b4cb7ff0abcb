import { performance } from 'node:perf_hooks';
import {
  buildImageResult,
  buildSegmentation,
  declareOutOfScope,
  downsizeOverlay,
  fuse,
  renderLabelsPng,
  renderOverlay,
  summaryCsvRow,
  toSourceLabels,
  type FusionOptions,
  type FusionResult,
  type ImageResult,
} from '@vertxnet/fusion';
import type { ForegroundMap, InstanceSet, ModelProvenance, View } from '@vertxnet/core';
import { joinKey, type Storage } from '@vertxnet/storage';
import { decodeForeground, decodeInstances } from '../intermediates.js';
import { readCanonical, type GrayImage } from './context.js';
import { readFrameNote, sourceHeaderKey } from './prepare.js';

export interface FuseInput {
  /** Source URI, recorded in result.json. */
  source: string;
  /** Result folder name in the output store. */
  name: string;
  image: string;
  foreground?: string;
  instances?: string;
  /** Provenance of the models; defaults to what the stored outputs say about themselves. */
  models?: { unet?: ModelProvenance; maskrcnn?: ModelProvenance };
  view?: View;
  /** Readable reasons of model stages that failed (fusion then runs with the other). */
  failures?: string[];
  timings?: Record<string, number>;
  /** Source pixel size in mm (DICOM Pixel Spacing / Imager Pixel Spacing): measurements in mm. */
  pixelSpacing?: { row: number; column: number; source: string };
  /** DICOM sources: UIDs for result.json and the SEG, and which frame was analysed. */
  dicom?: {
    sopInstanceUid?: string;
    sopClassUid?: string;
    seriesInstanceUid?: string;
    studyInstanceUid?: string;
    frameNote?: string;
    /** Why the tags say the film is not a lateral cervical or lumbar one. */
    outOfScope?: string;
  };
}

export interface FusedImage {
  /** Key of the result folder in the output store. */
  result: string;
  summary: string;
  vertebrae: number;
  flags: string[];
  labels: string[];
  /** Where a model read the film inverted (result.json `polarity`). */
  polarity?: 'inverted' | 'mixed';
}

/** What fusion labels: the model outputs there are, and what the source says about itself. */
export interface LabelInput {
  foreground?: ForegroundMap;
  instances?: InstanceSet;
  view?: View;
  pixelSpacing?: { row: number; column: number; source: string };
  /** Why the tags say the film is not a lateral cervical or lumbar one: nothing is labelled. */
  outOfScope?: string;
}

/**
 * The fusion step of every run and of the evaluation: model outputs → labelled vertebrae (the
 * ensemble rule) → label mask at the source image's size. Pure.
 */
export function labelImage(
  input: LabelInput,
  size: { width: number; height: number },
  options?: Partial<FusionOptions>,
): { fusion: FusionResult; labels: Uint8Array } {
  const fused = fuse(
    {
      ...(input.foreground ? { foreground: input.foreground } : {}),
      ...(input.instances ? { instances: input.instances } : {}),
      ...(input.view ? { view: input.view } : {}),
      ...(input.pixelSpacing ? { pixelSpacing: input.pixelSpacing } : {}),
    },
    options,
  );
  const fusion = input.outOfScope ? declareOutOfScope(fused) : fused;
  return { fusion, labels: toSourceLabels(fusion, input.foreground, size.width, size.height) };
}

/**
 * The DICOM SEG beside the other results, when the source was DICOM and something was labelled.
 * A SEG that cannot be built is noted in the result (segError); a store that cannot take it fails
 * the attempt like any other write (retried), rather than leaving a result without its SEG.
 */
async function writeSeg(
  deps: { work: Storage; out: Storage },
  input: FuseInput,
  image: { width: number; height: number; labels: Uint8Array; fusion: FusionResult; version: string },
  extra: Record<string, unknown>,
): Promise<void> {
  const dicom = input.dicom;
  if (!dicom?.sopInstanceUid || !dicom.sopClassUid) return;
  const segments = image.fusion.vertebrae
    .filter((v): v is typeof v & { level: string; verseCode: number } => v.level !== null && v.verseCode !== null)
    .map((v) => ({ verseCode: v.verseCode, level: v.level }));
  if (segments.length === 0) return;
  const headerKey = sourceHeaderKey(input.image);
  const sourceHeader = (await deps.work.exists(headerKey)) ? await deps.work.get(headerKey) : undefined;
  let seg: Uint8Array;
  try {
    seg = buildSegmentation({
      width: image.width,
      height: image.height,
      labels: image.labels,
      segments,
      source: {
        sopInstanceUid: dicom.sopInstanceUid,
        sopClassUid: dicom.sopClassUid,
        ...(dicom.seriesInstanceUid ? { seriesInstanceUid: dicom.seriesInstanceUid } : {}),
        ...(dicom.studyInstanceUid ? { studyInstanceUid: dicom.studyInstanceUid } : {}),
      },
      ...(sourceHeader ? { sourceHeader } : {}),
      ...(input.pixelSpacing ? { pixelSpacing: input.pixelSpacing } : {}),
      algorithm: { name: 'VertXNet', version: image.version },
    });
  } catch (err) {
    extra.segError = err instanceof Error ? err.message : String(err);
    return;
  }
  // Outside the try: a storage error is the attempt's failure, retried, never a result field.
  await deps.out.put(joinKey(input.name, 'seg.dcm'), seg, { contentType: 'application/dicom' });
  extra.seg = 'seg.dcm';
}

/** Fusion stage: both model outputs → result.json, labels.png, overlay.png, overlay-small.jpg (and seg.dcm) in the output store. */
export async function fuseStage(deps: { work: Storage; out: Storage }, input: FuseInput): Promise<FusedImage> {
  const started = performance.now();
  const [img, fgBlob, inBlob] = await Promise.all([
    readCanonical(deps.work, input.image),
    input.foreground ? deps.work.get(input.foreground) : undefined,
    input.instances ? deps.work.get(input.instances) : undefined,
  ]);
  const foreground = fgBlob ? decodeForeground(fgBlob, input.name) : undefined;
  const instances = inBlob ? decodeInstances(inBlob, input.name) : undefined;
  const { fusion, labels } = labelImage(
    {
      ...(foreground ? { foreground } : {}),
      ...(instances ? { instances } : {}),
      ...(input.view ? { view: input.view } : {}),
      ...(input.pixelSpacing ? { pixelSpacing: input.pixelSpacing } : {}),
      ...(input.dicom?.outOfScope ? { outOfScope: input.dicom.outOfScope } : {}),
    },
    img,
  );
  const timings = { ...input.timings, fusion: Math.round(performance.now() - started) };
  const extra: Record<string, unknown> = {};
  if (input.failures && input.failures.length > 0) extra.stageFailures = input.failures;
  // Multi-frame DICOM, multi-page TIFF, animated GIF: which one was analysed.
  const frameNote = input.dicom?.frameNote ?? (await readFrameNote(deps.work, input.image));
  if (frameNote) extra.frame = frameNote;
  if (input.dicom?.outOfScope) extra.outOfScope = input.dicom.outOfScope;
  const version = input.models?.unet?.version ?? foreground?.model?.version ?? 'unknown';
  await writeSeg(deps, input, { width: img.width, height: img.height, labels, fusion, version }, extra);
  const unet = input.models?.unet ?? foreground?.model;
  const maskrcnn = input.models?.maskrcnn ?? instances?.model;
  const result: ImageResult = buildImageResult({
    source: input.source,
    width: img.width,
    height: img.height,
    fusion,
    sourceLabels: labels,
    models: { ...(unet ? { unet } : {}), ...(maskrcnn ? { maskrcnn } : {}) },
    timings,
    ...(input.dicom?.sopInstanceUid ? { sopInstanceUid: input.dicom.sopInstanceUid } : {}),
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  });
  await writeImageFiles(deps.out, input.name, img, labels, result);
  return {
    result: input.name,
    summary: summaryCsvRow(result, input.name),
    vertebrae: result.vertebrae.length,
    flags: result.qc.flags,
    labels: result.vertebrae.map((v) => v.level).filter((l): l is string => l !== null),
    ...(result.polarity ? { polarity: result.polarity } : {}),
  };
}

/** labels.png, overlay.png and overlay-small.jpg, then result.json last: its presence means the folder is complete. */
async function writeImageFiles(out: Storage, folder: string, img: GrayImage, labels: Uint8Array, result: ImageResult): Promise<void> {
  const [labelsPng, overlayPng] = await Promise.all([renderLabelsPng(labels, img.width, img.height), renderOverlay(img.data, img.width, img.height, result)]);
  // The full overlay is 5 MB at film size; the small one is what a reviewer opens.
  const overlaySmall = await downsizeOverlay(overlayPng);
  await Promise.all([
    out.put(joinKey(folder, 'labels.png'), labelsPng, { contentType: 'image/png' }),
    out.put(joinKey(folder, 'overlay.png'), overlayPng, { contentType: 'image/png' }),
    out.put(joinKey(folder, 'overlay-small.jpg'), overlaySmall, { contentType: 'image/jpeg' }),
  ]);
  await out.put(joinKey(folder, 'result.json'), JSON.stringify(result, null, 2), { contentType: 'application/json' });
}
