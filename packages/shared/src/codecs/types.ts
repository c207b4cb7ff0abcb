import type { DicomInfo } from '../dicom/decode.js';

export type ImageFormat = 'png' | 'jpeg' | 'tiff' | 'dicom';

/** A decoded radiograph: one grey channel, row-major, at the depth it was stored with. */
export interface DecodedImage {
  width: number;
  height: number;
  bitsStored: 8 | 16;
  /** Uint8Array when bitsStored is 8, Uint16Array when 16. */
  data: Uint8Array | Uint16Array;
  format: ImageFormat;
  /** DICOM only: what the file said (UIDs, spacing, view, windowing); `data` is then already the 8-bit canonical image. */
  dicom?: DicomInfo;
  /**
   * DICOM only: the source's patient and study elements (a small Part 10 file, see
   * extractSourceHeader) for the SEG. Holds patient identifiers: store it, never log it.
   */
  sourceHeader?: Uint8Array;
}

/** The one 8-bit grey form every stage works from (and the training code reads). */
export interface CanonicalImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface DecodeLimits {
  /** Refuse images with more pixels than this (decompression-bomb guard). @defaultValue 200_000_000 */
  maxPixels?: number;
}

export const DEFAULT_MAX_PIXELS = 200_000_000;
