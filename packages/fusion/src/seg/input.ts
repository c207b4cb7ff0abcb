import { vertebraCode, type CodedConcept } from './codes.js';

/** The source image the segmentation refers to: UIDs only. */
export interface SegSource {
  sopInstanceUid: string;
  sopClassUid: string;
  seriesInstanceUid?: string;
  studyInstanceUid?: string;
}

export interface SegInput {
  width: number;
  height: number;
  /** Per source pixel: the VerSe code of the vertebra there, 0 for background. */
  labels: Uint8Array;
  /** Labelled vertebrae in the order the segments get their numbers (1, 2, …). */
  segments: { verseCode: number; level: string }[];
  source: SegSource;
  /**
   * The source's patient and study elements (extractSourceHeader), copied so the SEG files with
   * its image; without it they are written empty.
   */
  sourceHeader?: Uint8Array;
  pixelSpacing?: { row: number; column: number };
  algorithm: { name: string; version: string };
}

/**
 * Step 1: refuses what cannot become a SEG (label size, no segment, an image over 65535 px, a
 * source UID that is not one) and gives each segment's SNOMED CT property type.
 */
export function checkSegInput(input: SegInput): CodedConcept[] {
  const { width, height, labels, segments, source } = input;
  if (labels.length !== width * height) throw new Error(`labels hold ${labels.length} pixels, ${width}x${height} expected`);
  if (segments.length === 0) throw new Error('no labelled vertebra to write');
  if (width > 0xffff || height > 0xffff) throw new Error(`image ${width}x${height} is too large for a SEG`);
  const types = segments.map((s) => vertebraCode(s.level));
  for (const [what, uid] of Object.entries(source)) {
    if (uid !== undefined && !isUid(uid)) throw new Error(`the source's ${what} is not a valid DICOM UID`);
  }
  return types;
}

/** PS3.5 9.1: digits and dots, no leading zeros in a component, at most 64 characters. */
export function isUid(uid: string): boolean {
  return uid.length <= 64 && /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/.test(uid);
}
