import type { DicomInfo } from './dicom-info.js';

export type ImageFormat = 'png' | 'jpeg' | 'tiff' | 'gif' | 'dicom';

/** A decoded radiograph: one grey channel, row-major, at the depth it was stored with. */
export interface DecodedImage {
  width: number;
  height: number;
  bitsStored: 8 | 16;
  /** Uint8Array when bitsStored is 8, Uint16Array when 16. */
  data: Uint8Array | Uint16Array;
  format: ImageFormat;
  /**
   * Set when the file holds several images and only the first was decoded: a multi-page TIFF,
   * an animated GIF, a multi-frame DICOM ("multi-page: page 1 of 3 used"). Goes to result.json.
   */
  frameNote?: string;
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
  /** Refuse images with more pixels than this (memory and decompression-bomb guard). @defaultValue 32_000_000 */
  maxPixels?: number;
}

/**
 * 32 megapixels: above any lateral spine film (a 43x43 cm detector at 0.1 mm is 18.5 MP), and what
 * keeps two jobs at once inside the containers' memory limits. Measured peak RSS of one job at this
 * size (16-bit DX, packages/pipeline/src/memory/memory.test.ts): prepare ~450 MiB (ingest limit
 * 1 GiB, 2 prepare jobs), fusion ~770 MiB (fusion-worker limit 2 GiB, 2 jobs); both grow with pixels.
 */
export const DEFAULT_MAX_PIXELS = 32_000_000;
