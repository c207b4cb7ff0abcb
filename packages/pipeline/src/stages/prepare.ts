import { createHash } from 'node:crypto';
import type { View } from '@vertxnet/core';
import { decodeImage, encodePng, toCanonical, type DicomInfo } from '@vertxnet/imaging';
import { openStorage, splitFileUri, type Storage } from '@vertxnet/storage';
import type { StorageOptions } from './context.js';

export interface PrepareInput {
  /** Full URI of the source image. */
  source: string;
  /** Content identity from the listing (an S3 ETag), when known; else the content hash is used. */
  etag?: string;
  view?: View;
}

export interface PreparedImage {
  /** Key of the canonical 8-bit PNG in the work store. */
  image: string;
  width: number;
  height: number;
  /** Content identity: 'etag:…' or 'sha256:…'. */
  identity: string;
  /** The view asked for, else the one DICOM Body Part Examined / Series Description names. */
  view?: View;
  /** DICOM only: what the file says about itself — UIDs, never names, ids or dates. */
  dicom?: PreparedDicom;
  /** Set when only the first of several pages or frames was used ("multi-page: page 1 of 3 used"). */
  frameNote?: string;
}

export interface PreparedDicom {
  sopInstanceUid?: string;
  sopClassUid?: string;
  seriesInstanceUid?: string;
  studyInstanceUid?: string;
  pixelSpacing?: { row: number; column: number; source: string };
  /** Set for multi-frame files: which frame was analysed. */
  frameNote?: string;
  /** Set when the tags say the film is not a lateral cervical or lumbar one: why. */
  outOfScope?: string;
  transferSyntax: string;
}

export interface PrepareDeps {
  work: Storage;
  s3?: StorageOptions;
  /** Refuse images with more pixels than this (decompression bombs). */
  maxPixels?: number;
}

/** Reads a source image, decodes it and writes the canonical 8-bit grayscale PNG once. */
export async function prepareImage(deps: PrepareDeps, input: PrepareInput): Promise<PreparedImage> {
  const { dirUri, key } = splitFileUri(input.source);
  const bytes = await openStorage(dirUri, deps.s3).get(key);
  const identity = input.etag ? `etag:${input.etag}` : `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const decoded = await decodeImage(bytes, key, deps.maxPixels !== undefined ? { maxPixels: deps.maxPixels } : {});
  const canonical = toCanonical(decoded);
  const image = `images/${createHash('sha256').update(identity).digest('hex').slice(0, 32)}.png`;
  if (!(await deps.work.exists(image))) {
    await deps.work.put(image, await encodePng(canonical.data, canonical.width, canonical.height), { contentType: 'image/png' });
  }
  if (decoded.dicom) {
    // Services pass only keys between stages: the fusion worker finds the DICOM facts (UIDs,
    // spacing; never patient data) beside the canonical image.
    await deps.work.put(dicomSidecarKey(image), JSON.stringify(preparedDicom(decoded.dicom)), { contentType: 'application/json' });
  }
  if (decoded.frameNote) {
    await deps.work.put(frameNoteKey(image), JSON.stringify({ frameNote: decoded.frameNote }), { contentType: 'application/json' });
  }
  if (decoded.sourceHeader) {
    // Patient and study elements for the SEG travel through the work store like the pixels,
    // never through job records.
    await deps.work.put(sourceHeaderKey(image), decoded.sourceHeader, { contentType: 'application/dicom' });
  }
  const view = input.view ?? decoded.dicom?.view;
  return {
    image,
    width: canonical.width,
    height: canonical.height,
    identity,
    ...(view ? { view } : {}),
    ...(decoded.dicom ? { dicom: preparedDicom(decoded.dicom) } : {}),
    ...(decoded.frameNote ? { frameNote: decoded.frameNote } : {}),
  };
}

/** Where prepare leaves the DICOM facts of a canonical image for the fusion stage. */
export function dicomSidecarKey(image: string): string {
  return image.replace(/\.png$/, '') + '.dicom.json';
}

/** Where prepare notes that only the first page or frame of the source was used. */
export function frameNoteKey(image: string): string {
  return image.replace(/\.png$/, '') + '.frame.json';
}

/** The note prepare left when it used only the first page or frame of a source image. */
export async function readFrameNote(work: Storage, image: string): Promise<string | undefined> {
  const key = frameNoteKey(image);
  if (!(await work.exists(key))) return undefined;
  return (JSON.parse((await work.get(key)).toString('utf8')) as { frameNote?: string }).frameNote;
}

/** Where prepare leaves the source's patient and study elements (a header-only DICOM file). */
export function sourceHeaderKey(image: string): string {
  return image.replace(/\.png$/, '') + '.header.dcm';
}

/** The DICOM facts prepare stored beside a canonical image, if it came from a DICOM file. */
export async function readDicomSidecar(work: Storage, image: string): Promise<PreparedDicom | undefined> {
  const key = dicomSidecarKey(image);
  if (!(await work.exists(key))) return undefined;
  return JSON.parse((await work.get(key)).toString('utf8')) as PreparedDicom;
}

function preparedDicom(d: DicomInfo): PreparedDicom {
  return {
    ...(d.sopInstanceUid ? { sopInstanceUid: d.sopInstanceUid } : {}),
    ...(d.sopClassUid ? { sopClassUid: d.sopClassUid } : {}),
    ...(d.seriesInstanceUid ? { seriesInstanceUid: d.seriesInstanceUid } : {}),
    ...(d.studyInstanceUid ? { studyInstanceUid: d.studyInstanceUid } : {}),
    ...(d.pixelSpacing ? { pixelSpacing: d.pixelSpacing } : {}),
    ...(d.frameNote ? { frameNote: d.frameNote } : {}),
    ...(d.outOfScope ? { outOfScope: d.outOfScope } : {}),
    transferSyntax: d.transferSyntax.uid,
  };
}
