// What a decoded DICOM file says about its image, apart from the decoder, so that codecs/types.ts
// can name it without importing the decoder (which imports the codecs' limits back).
import type { View } from '@vertxnet/core';

export type PixelSpacingSource = 'PixelSpacing' | 'ImagerPixelSpacing';

/** What a DICOM file tells about its image. Identifiers are UIDs only: never names, ids or dates. */
export interface DicomInfo {
  sopInstanceUid?: string;
  sopClassUid?: string;
  seriesInstanceUid?: string;
  studyInstanceUid?: string;
  modality?: string;
  transferSyntax: { uid: string; name: string };
  photometric: 'MONOCHROME1' | 'MONOCHROME2';
  bitsAllocated: 8 | 16;
  bitsStored: number;
  signed: boolean;
  /** Number of frames in the file; only the first is decoded. */
  frames: number;
  /** Set when the file has several frames: which one was used. */
  frameNote?: string;
  /** Row and column spacing in mm, and the element it came from. */
  pixelSpacing?: { row: number; column: number; source: PixelSpacingSource };
  view?: View;
  /** Set when the tags say the film is not a lateral cervical or lumbar one (scopeFromTags): why. */
  outOfScope?: string;
  /** How the 8-bit canonical image was windowed. */
  window: { kind: 'voi-lut' | 'window'; center?: number; width?: number; explanation?: string } | { kind: 'percentile'; low: number; high: number };
  /** Whether grey values were inverted (MONOCHROME1 or Presentation LUT Shape INVERSE) so bone is bright. */
  inverted: boolean;
  modalityTransform: 'rescale' | 'modality-lut' | 'none';
}
