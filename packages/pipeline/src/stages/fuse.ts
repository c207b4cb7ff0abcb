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
  type ImageResult,
} from '@vertxnet/fusion';
import { joinKey, type ModelProvenance, type Storage, type View } from '@vertxnet/shared';
import { decodeForeground, decodeInstances } from '../intermediates.js';
import { readCanonical } from './context.js';
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
}

/** Fusion stage: both model outputs → result.json, labels.png, overlay.png, overlay-small.jpg in the output store. */
export async function fuseStage(deps: { work: Storage; out: Storage }, input: FuseInput): Promise<FusedImage> {
  const started = performance.now();
  const [img, fgBlob, inBlob] = await Promise.all([
    readCanonical(deps.work, input.image),
    input.foreground ? deps.work.get(input.foreground) : undefined,
    input.instances ? deps.work.get(input.instances) : undefined,
  ]);
  const foreground = fgBlob ? decodeForeground(fgBlob, input.name) : undefined;
  const instances = inBlob ? decodeInstances(inBlob, input.name) : undefined;
  const fused = fuse({
    ...(foreground ? { foreground } : {}),
    ...(instances ? { instances } : {}),
    ...(input.view ? { view: input.view } : {}),
    ...(input.pixelSpacing ? { pixelSpacing: input.pixelSpacing } : {}),
  });
  const fusion = input.dicom?.outOfScope ? declareOutOfScope(fused) : fused;
  const labels = toSourceLabels(fusion, foreground, img.width, img.height);
  const timings = { ...input.timings, fusion: Math.round(performance.now() - started) };
  const folder = input.name;
  // DICOM SEG beside the other results.
  const extra: Record<string, unknown> = {};
  if (input.failures && input.failures.length > 0) extra.stageFailures = input.failures;
  // Multi-frame DICOM, multi-page TIFF, animated GIF: which one was analysed.
  const frameNote = input.dicom?.frameNote ?? (await readFrameNote(deps.work, input.image));
  if (frameNote) extra.frame = frameNote;
  if (input.dicom?.outOfScope) extra.outOfScope = input.dicom.outOfScope;
  const dicom = input.dicom;
  if (dicom?.sopInstanceUid && dicom.sopClassUid) {
    const segments = fusion.vertebrae
      .filter((v): v is typeof v & { level: string; verseCode: number } => v.level !== null && v.verseCode !== null)
      .map((v) => ({ verseCode: v.verseCode, level: v.level }));
    if (segments.length > 0) {
      // A SEG that cannot be built is noted in the result; a store that cannot take it fails the
      // attempt like any other write (retried), rather than leaving a result without its SEG.
      let seg: Uint8Array | undefined;
      const headerKey = sourceHeaderKey(input.image);
      const sourceHeader = (await deps.work.exists(headerKey)) ? await deps.work.get(headerKey) : undefined;
      try {
        seg = buildSegmentation({
          width: img.width,
          height: img.height,
          labels,
          segments,
          source: {
            sopInstanceUid: dicom.sopInstanceUid,
            sopClassUid: dicom.sopClassUid,
            ...(dicom.seriesInstanceUid ? { seriesInstanceUid: dicom.seriesInstanceUid } : {}),
            ...(dicom.studyInstanceUid ? { studyInstanceUid: dicom.studyInstanceUid } : {}),
          },
          ...(sourceHeader ? { sourceHeader } : {}),
          ...(input.pixelSpacing ? { pixelSpacing: input.pixelSpacing } : {}),
          algorithm: { name: 'VertXNet', version: input.models?.unet?.version ?? foreground?.model?.version ?? 'unknown' },
        });
      } catch (err) {
        extra.segError = err instanceof Error ? err.message : String(err);
      }
      if (seg) {
        await deps.out.put(joinKey(folder, 'seg.dcm'), seg, { contentType: 'application/dicom' });
        extra.seg = 'seg.dcm';
      }
    }
  }
  const result: ImageResult = buildImageResult({
    source: input.source,
    width: img.width,
    height: img.height,
    fusion,
    sourceLabels: labels,
    models: {
      ...(input.models?.unet ?? foreground?.model ? { unet: (input.models?.unet ?? foreground?.model)! } : {}),
      ...(input.models?.maskrcnn ?? instances?.model ? { maskrcnn: (input.models?.maskrcnn ?? instances?.model)! } : {}),
    },
    timings,
    ...(dicom?.sopInstanceUid ? { sopInstanceUid: dicom.sopInstanceUid } : {}),
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  });
  const [labelsPng, overlayPng] = await Promise.all([
    renderLabelsPng(labels, img.width, img.height),
    renderOverlay(img.data, img.width, img.height, result),
  ]);
  // The full overlay is 5 MB at film size; the small one is what a reviewer opens.
  const overlaySmall = await downsizeOverlay(overlayPng);
  await Promise.all([
    deps.out.put(joinKey(folder, 'labels.png'), labelsPng, { contentType: 'image/png' }),
    deps.out.put(joinKey(folder, 'overlay.png'), overlayPng, { contentType: 'image/png' }),
    deps.out.put(joinKey(folder, 'overlay-small.jpg'), overlaySmall, { contentType: 'image/jpeg' }),
  ]);
  // result.json last: its presence means the folder is complete.
  await deps.out.put(joinKey(folder, 'result.json'), JSON.stringify(result, null, 2), { contentType: 'application/json' });
  return {
    result: folder,
    summary: summaryCsvRow(result, input.name),
    vertebrae: result.vertebrae.length,
    flags: result.qc.flags,
    labels: result.vertebrae.map((v) => v.level).filter((l): l is string => l !== null),
  };
}
